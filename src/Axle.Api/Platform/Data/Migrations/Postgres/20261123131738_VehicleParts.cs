using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class VehicleParts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "vehicle_parts",
                columns: table => new
                {
                    MakeKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ModelKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    PartId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PriceMinor = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vehicle_parts", x => new { x.PartId, x.MakeKey, x.ModelKey, x.Year });
                });

            migrationBuilder.CreateIndex(
                name: "IX_vehicle_parts_MakeKey_ModelKey_Year_CreatedAt_PartId",
                table: "vehicle_parts",
                columns: new[] { "MakeKey", "ModelKey", "Year", "CreatedAt", "PartId" });

            migrationBuilder.CreateIndex(
                name: "IX_vehicle_parts_MakeKey_ModelKey_Year_Name_PartId",
                table: "vehicle_parts",
                columns: new[] { "MakeKey", "ModelKey", "Year", "Name", "PartId" });

            migrationBuilder.CreateIndex(
                name: "IX_vehicle_parts_MakeKey_ModelKey_Year_PriceMinor_PartId",
                table: "vehicle_parts",
                columns: new[] { "MakeKey", "ModelKey", "Year", "PriceMinor", "PartId" });

            // Kept by triggers on fitments, parts and vehicles; the SQL lives beside the feature (Features/Catalog/VehiclePartsSql.cs).
            migrationBuilder.Sql(Axle.Api.Features.Catalog.VehiclePartsSql.PostgresCreate);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Axle.Api.Features.Catalog.VehiclePartsSql.PostgresDrop);

            migrationBuilder.DropTable(
                name: "vehicle_parts");
        }
    }
}
