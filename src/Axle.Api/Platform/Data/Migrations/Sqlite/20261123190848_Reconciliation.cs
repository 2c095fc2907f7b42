using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reconciliation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Discrepancies",
                table: "sync_runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "supplier_discrepancies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SupplierId = table.Column<long>(type: "INTEGER", nullable: false),
                    LevelId = table.Column<long>(type: "INTEGER", nullable: false),
                    PartId = table.Column<long>(type: "INTEGER", nullable: false),
                    WarehouseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Ours = table.Column<int>(type: "INTEGER", nullable: false),
                    Theirs = table.Column<int>(type: "INTEGER", nullable: false),
                    Difference = table.Column<int>(type: "INTEGER", nullable: false),
                    OurPriceMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    TheirPriceMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    TheirUpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Since = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReportedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Corrected = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supplier_discrepancies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_supplier_discrepancies_parts_PartId",
                        column: x => x.PartId,
                        principalTable: "parts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_supplier_discrepancies_stock_levels_LevelId",
                        column: x => x.LevelId,
                        principalTable: "stock_levels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_supplier_discrepancies_suppliers_SupplierId",
                        column: x => x.SupplierId,
                        principalTable: "suppliers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_supplier_discrepancies_warehouses_WarehouseId",
                        column: x => x.WarehouseId,
                        principalTable: "warehouses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_supplier_discrepancies_LevelId",
                table: "supplier_discrepancies",
                column: "LevelId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_supplier_discrepancies_PartId",
                table: "supplier_discrepancies",
                column: "PartId");

            migrationBuilder.CreateIndex(
                name: "IX_supplier_discrepancies_SupplierId_RunId",
                table: "supplier_discrepancies",
                columns: new[] { "SupplierId", "RunId" });

            migrationBuilder.CreateIndex(
                name: "IX_supplier_discrepancies_SupplierId_Since_Id",
                table: "supplier_discrepancies",
                columns: new[] { "SupplierId", "Since", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_supplier_discrepancies_WarehouseId",
                table: "supplier_discrepancies",
                column: "WarehouseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "supplier_discrepancies");

            migrationBuilder.DropColumn(
                name: "Discrepancies",
                table: "sync_runs");
        }
    }
}
