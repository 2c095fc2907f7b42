using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReturnsFeedback : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "fitment_reviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    FitmentId = table.Column<long>(type: "bigint", nullable: true),
                    PartId = table.Column<long>(type: "bigint", nullable: false),
                    Vehicle = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NoCount = table.Column<int>(type: "integer", nullable: false),
                    FirstReportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastReportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_fitment_reviews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "order_feedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Rating = table.Column<int>(type: "integer", nullable: false),
                    Comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_feedback", x => x.Id);
                    table.CheckConstraint("CK_order_feedback_rating", "\"Rating\" BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "FK_order_feedback_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "return_authorizations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    WarehouseId = table.Column<long>(type: "bigint", nullable: true),
                    RefundMinor = table.Column<long>(type: "bigint", nullable: true),
                    PaymentRefundId = table.Column<Guid>(type: "uuid", nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ApprovedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RejectedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RefundedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_return_authorizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_return_authorizations_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "feedback_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FeedbackId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderItemId = table.Column<Guid>(type: "uuid", nullable: false),
                    PartId = table.Column<long>(type: "bigint", nullable: false),
                    BrandId = table.Column<int>(type: "integer", nullable: false),
                    Rating = table.Column<int>(type: "integer", nullable: false),
                    Fit = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_items", x => x.Id);
                    table.CheckConstraint("CK_feedback_items_rating", "\"Rating\" BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "FK_feedback_items_order_feedback_FeedbackId",
                        column: x => x.FeedbackId,
                        principalTable: "order_feedback",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "return_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReturnId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderItemId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PartId = table.Column<long>(type: "bigint", nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Condition = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    WarehouseId = table.Column<long>(type: "bigint", nullable: true),
                    Restocked = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_return_items", x => x.Id);
                    table.CheckConstraint("CK_return_items_quantity", "\"Quantity\" > 0");
                    table.ForeignKey(
                        name: "FK_return_items_order_items_OrderItemId",
                        column: x => x.OrderItemId,
                        principalTable: "order_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_return_items_return_authorizations_ReturnId",
                        column: x => x.ReturnId,
                        principalTable: "return_authorizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_BrandId",
                table: "feedback_items",
                column: "BrandId");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_FeedbackId",
                table: "feedback_items",
                column: "FeedbackId");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_PartId",
                table: "feedback_items",
                column: "PartId");

            migrationBuilder.CreateIndex(
                name: "IX_fitment_reviews_Key",
                table: "fitment_reviews",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_fitment_reviews_NoCount_LastReportedAt",
                table: "fitment_reviews",
                columns: new[] { "NoCount", "LastReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_fitment_reviews_PartId",
                table: "fitment_reviews",
                column: "PartId");

            migrationBuilder.CreateIndex(
                name: "IX_order_feedback_OrderId",
                table: "order_feedback",
                column: "OrderId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_return_authorizations_Number",
                table: "return_authorizations",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_return_authorizations_OrderId_CreatedAt",
                table: "return_authorizations",
                columns: new[] { "OrderId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_return_authorizations_UserId_CreatedAt",
                table: "return_authorizations",
                columns: new[] { "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_return_items_OrderItemId",
                table: "return_items",
                column: "OrderItemId");

            migrationBuilder.CreateIndex(
                name: "IX_return_items_ReturnId",
                table: "return_items",
                column: "ReturnId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feedback_items");

            migrationBuilder.DropTable(
                name: "fitment_reviews");

            migrationBuilder.DropTable(
                name: "return_items");

            migrationBuilder.DropTable(
                name: "order_feedback");

            migrationBuilder.DropTable(
                name: "return_authorizations");
        }
    }
}
