using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Axle.Api.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class VehiclePartsTriggerLookups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Axle.Api.Features.Catalog.VehiclePartsSql.PostgresFitmentsChanged);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The function as 20261123131738_VehicleParts created it.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION vehicle_parts_fitments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('DELETE', 'UPDATE') THEN
                        PERFORM vehicle_parts_forget(array_agg(g."MakeKey"), array_agg(g."ModelKey"), array_agg(g."Year"), array_agg(g."PartId"))
                        FROM (SELECT DISTINCT v."MakeKey", v."ModelKey", v."Year", o."PartId"
                              FROM old_fitments o JOIN vehicles v ON v."Id" = o."VehicleId") g;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN
                        INSERT INTO vehicle_parts ("MakeKey", "ModelKey", "Year", "PartId", "Name", "PriceMinor", "CreatedAt")
                        SELECT DISTINCT v."MakeKey", v."ModelKey", v."Year", p."Id", p."Name", p."PriceMinor", p."CreatedAt"
                        FROM new_fitments n JOIN vehicles v ON v."Id" = n."VehicleId" JOIN parts p ON p."Id" = n."PartId"
                        ON CONFLICT ("PartId", "MakeKey", "ModelKey", "Year") DO NOTHING;
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }
    }
}
