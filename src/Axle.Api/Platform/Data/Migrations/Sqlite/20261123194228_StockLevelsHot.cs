using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Sqlite
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_stock_levels_UpdatedAt",
                table: "stock_levels",
                column: "UpdatedAt");
        }
    }
}
