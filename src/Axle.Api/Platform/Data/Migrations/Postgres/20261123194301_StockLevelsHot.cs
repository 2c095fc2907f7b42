using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StockLevelsHot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_stock_levels_UpdatedAt",
                table: "stock_levels");

            migrationBuilder.AlterTable(
                name: "stock_levels")
                .Annotation("Npgsql:StorageParameter:fillfactor", 90);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "stock_levels")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 90);

            migrationBuilder.CreateIndex(
                name: "IX_stock_levels_UpdatedAt",
                table: "stock_levels",
                column: "UpdatedAt");
        }
    }
}
