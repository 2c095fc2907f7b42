using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PartTrigram : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Typo-tolerant search (pg_trgm); the SQL lives beside the feature (Features/Catalog/PartSearchSql.cs).
            migrationBuilder.Sql(Axle.Api.Features.Catalog.PartSearchSql.PostgresTrigramCreate);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Axle.Api.Features.Catalog.PartSearchSql.PostgresTrigramDrop);
        }
    }
}
