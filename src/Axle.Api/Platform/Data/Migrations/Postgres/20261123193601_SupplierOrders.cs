using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SupplierOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SupplierId",
                table: "purchase_orders",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "supplier_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SupplierId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PurchaseOrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    CustomerOrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    WarehouseId = table.Column<long>(type: "bigint", nullable: false),
                    Reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ShipTo = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    LastStatusCode = table.Column<int>(type: "integer", nullable: true),
                    SupplierOrderId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Acknowledgement = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    AcknowledgedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supplier_orders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_supplier_orders_orders_CustomerOrderId",
                        column: x => x.CustomerOrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_supplier_orders_purchase_orders_PurchaseOrderId",
                        column: x => x.PurchaseOrderId,
                        principalTable: "purchase_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_supplier_orders_suppliers_SupplierId",
                        column: x => x.SupplierId,
                        principalTable: "suppliers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_supplier_orders_warehouses_WarehouseId",
                        column: x => x.WarehouseId,
                        principalTable: "warehouses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "supplier_order_lines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SupplierOrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    PartId = table.Column<long>(type: "bigint", nullable: false),
                    PartNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supplier_order_lines", x => x.Id);
                    table.CheckConstraint("CK_supplier_order_lines_quantity", "\"Quantity\" > 0");
                    table.ForeignKey(
                        name: "FK_supplier_order_lines_parts_PartId",
                        column: x => x.PartId,
                        principalTable: "parts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_supplier_order_lines_supplier_orders_SupplierOrderId",
                        column: x => x.SupplierOrderId,
                        principalTable: "supplier_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_purchase_orders_SupplierId",
                table: "purchase_orders",
                column: "SupplierId");

            migrationBuilder.CreateIndex(
                name: "IX_supplier_order_lines_PartId",
                table: "supplier_order_lines",
                column: "PartId");

            migrationBuilder.CreateIndex(
                name: "IX_supplier_order_lines_SupplierOrderId_PartId",
                table: "supplier_order_lines",
                columns: new[] { "SupplierOrderId", "PartId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_supplier_orders_CustomerOrderId_WarehouseId",
                table: "supplier_orders",
                columns: new[] { "CustomerOrderId", "WarehouseId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_supplier_orders_PurchaseOrderId",
                table: "supplier_orders",
                column: "PurchaseOrderId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_supplier_orders_Status_NextAttemptAt",
                table: "supplier_orders",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_supplier_orders_SupplierId_CreatedAt",
                table: "supplier_orders",
                columns: new[] { "SupplierId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_supplier_orders_SupplierId_Reference",
                table: "supplier_orders",
                columns: new[] { "SupplierId", "Reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_supplier_orders_WarehouseId",
                table: "supplier_orders",
                column: "WarehouseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "supplier_order_lines");

            migrationBuilder.DropTable(
                name: "supplier_orders");

            migrationBuilder.DropIndex(
                name: "IX_purchase_orders_SupplierId",
                table: "purchase_orders");

            migrationBuilder.DropColumn(
                name: "SupplierId",
                table: "purchase_orders");
        }
    }
}
