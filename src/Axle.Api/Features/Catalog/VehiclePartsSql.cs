namespace Axle.Api.Features.Catalog;

/// <summary>
/// Keeps <c>vehicle_parts</c> (<see cref="VehiclePart"/>) equal to
/// <c>SELECT DISTINCT make, model, year, part FROM fitments JOIN vehicles JOIN parts</c>, by triggers, so every writer
/// (the API, imports, the demo seed, raw SQL) keeps it right without knowing it exists. The migrations call these
/// constants; the benchmark generator disables the triggers during a bulk load and runs the rebuild once.
/// Caution: a later SQLite migration that rebuilds fitments, parts or vehicles (EF does so for most column changes) drops
/// their triggers with the old table; such a migration must run <see cref="SqliteDrop"/> then <see cref="SqliteCreate"/>.
/// </summary>
internal static class VehiclePartsSql
{
    // ---- SQLite: row triggers. ----

    // Trigger bodies used more than once ("old" and "new" are the trigger's rows).
    private const string SqliteForgetOldFitment = """
        DELETE FROM vehicle_parts
            WHERE PartId = old.PartId
              AND (MakeKey, ModelKey, Year) IN (SELECT MakeKey, ModelKey, Year FROM vehicles WHERE Id = old.VehicleId)
              AND NOT EXISTS (
                  SELECT 1 FROM fitments f JOIN vehicles v ON v.Id = f.VehicleId
                  WHERE f.PartId = old.PartId AND v.MakeKey = vehicle_parts.MakeKey
                    AND v.ModelKey = vehicle_parts.ModelKey AND v.Year = vehicle_parts.Year);
        """;

    private const string SqliteAddNewFitment = """
        INSERT OR IGNORE INTO vehicle_parts (MakeKey, ModelKey, Year, PartId, Name, PriceMinor, CreatedAt)
            SELECT v.MakeKey, v.ModelKey, v.Year, p.Id, p.Name, p.PriceMinor, p.CreatedAt
            FROM vehicles v, parts p WHERE v.Id = new.VehicleId AND p.Id = new.PartId;
        """;

    private const string SqliteForgetOldVehicle = """
        DELETE FROM vehicle_parts
            WHERE MakeKey = old.MakeKey AND ModelKey = old.ModelKey AND Year = old.Year
              AND NOT EXISTS (
                  SELECT 1 FROM fitments f JOIN vehicles v ON v.Id = f.VehicleId
                  WHERE f.PartId = vehicle_parts.PartId AND v.MakeKey = vehicle_parts.MakeKey
                    AND v.ModelKey = vehicle_parts.ModelKey AND v.Year = vehicle_parts.Year);
        """;

    public const string SqliteCreate = $$"""
        CREATE TRIGGER fitments_vehicle_parts_insert AFTER INSERT ON fitments BEGIN
            {{SqliteAddNewFitment}}
        END;

        CREATE TRIGGER fitments_vehicle_parts_delete AFTER DELETE ON fitments BEGIN
            {{SqliteForgetOldFitment}}
        END;

        CREATE TRIGGER fitments_vehicle_parts_update AFTER UPDATE OF PartId, VehicleId ON fitments BEGIN
            {{SqliteForgetOldFitment}}
            {{SqliteAddNewFitment}}
        END;

        CREATE TRIGGER parts_vehicle_parts_update AFTER UPDATE OF Name, PriceMinor, CreatedAt ON parts
        WHEN old.Name IS NOT new.Name OR old.PriceMinor IS NOT new.PriceMinor OR old.CreatedAt IS NOT new.CreatedAt BEGIN
            UPDATE vehicle_parts SET Name = new.Name, PriceMinor = new.PriceMinor, CreatedAt = new.CreatedAt
            WHERE PartId = new.Id;
        END;

        -- A vehicle's fitments go with it (cascade), after the vehicle row is gone: clean up by its key here.
        CREATE TRIGGER vehicles_vehicle_parts_delete AFTER DELETE ON vehicles BEGIN
            {{SqliteForgetOldVehicle}}
        END;

        CREATE TRIGGER vehicles_vehicle_parts_update AFTER UPDATE OF MakeKey, ModelKey, Year ON vehicles BEGIN
            {{SqliteForgetOldVehicle}}
            INSERT OR IGNORE INTO vehicle_parts (MakeKey, ModelKey, Year, PartId, Name, PriceMinor, CreatedAt)
            SELECT new.MakeKey, new.ModelKey, new.Year, p.Id, p.Name, p.PriceMinor, p.CreatedAt
            FROM fitments f JOIN parts p ON p.Id = f.PartId WHERE f.VehicleId = new.Id;
        END;
        """ + SqliteRebuild;

    /// <summary>Refills the table from fitments (after a migration or a bulk load with the triggers off).</summary>
    public const string SqliteRebuild = """

        DELETE FROM vehicle_parts;
        INSERT INTO vehicle_parts (MakeKey, ModelKey, Year, PartId, Name, PriceMinor, CreatedAt)
        SELECT DISTINCT v.MakeKey, v.ModelKey, v.Year, p.Id, p.Name, p.PriceMinor, p.CreatedAt
        FROM fitments f JOIN vehicles v ON v.Id = f.VehicleId JOIN parts p ON p.Id = f.PartId;
        """;

    public const string SqliteDrop = """
        DROP TRIGGER IF EXISTS vehicles_vehicle_parts_update;
        DROP TRIGGER IF EXISTS vehicles_vehicle_parts_delete;
        DROP TRIGGER IF EXISTS parts_vehicle_parts_update;
        DROP TRIGGER IF EXISTS fitments_vehicle_parts_update;
        DROP TRIGGER IF EXISTS fitments_vehicle_parts_delete;
        DROP TRIGGER IF EXISTS fitments_vehicle_parts_insert;
        """;

    // ---- PostgreSQL: statement triggers with transition tables, so a bulk insert (COPY, a multi-row upsert) costs
    // one set-based statement, not one per row. ----

    /// <summary>
    /// The fitments statement trigger's function. The inserted rows' vehicle and part are each looked up by primary key
    /// (a LATERAL subquery with OFFSET 0 keeps the planner from flattening it): joined plainly, the planner read about
    /// half of the parts primary key and every vehicle for each import batch of ~4,000 rows (EXPLAIN ANALYZE); this
    /// form took about a third less time in the trigger (bench `import`, BENCHMARKS.md).
    /// </summary>
    public const string PostgresFitmentsChanged = """
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
                FROM new_fitments n
                CROSS JOIN LATERAL (SELECT x."MakeKey", x."ModelKey", x."Year" FROM vehicles x WHERE x."Id" = n."VehicleId" OFFSET 0) v
                CROSS JOIN LATERAL (SELECT x."Id", x."Name", x."PriceMinor", x."CreatedAt" FROM parts x WHERE x."Id" = n."PartId" OFFSET 0) p
                ON CONFLICT ("PartId", "MakeKey", "ModelKey", "Year") DO NOTHING;
            END IF;
            RETURN NULL;
        END $$;
        """;

    public const string PostgresCreate = $$"""
        CREATE FUNCTION vehicle_parts_forget(gone_make text[], gone_model text[], gone_year int[], gone_part bigint[])
        RETURNS void LANGUAGE sql AS $$
            DELETE FROM vehicle_parts vp
            USING unnest(gone_make, gone_model, gone_year, gone_part) AS g(make, model, year, part)
            WHERE vp."PartId" = g.part AND vp."MakeKey" = g.make AND vp."ModelKey" = g.model AND vp."Year" = g.year
              AND NOT EXISTS (
                  SELECT 1 FROM fitments f JOIN vehicles v ON v."Id" = f."VehicleId"
                  WHERE f."PartId" = vp."PartId" AND v."MakeKey" = vp."MakeKey"
                    AND v."ModelKey" = vp."ModelKey" AND v."Year" = vp."Year");
        $$;

        {{PostgresFitmentsChanged}}

        CREATE TRIGGER fitments_vehicle_parts_insert AFTER INSERT ON fitments
            REFERENCING NEW TABLE AS new_fitments FOR EACH STATEMENT EXECUTE FUNCTION vehicle_parts_fitments_changed();
        CREATE TRIGGER fitments_vehicle_parts_delete AFTER DELETE ON fitments
            REFERENCING OLD TABLE AS old_fitments FOR EACH STATEMENT EXECUTE FUNCTION vehicle_parts_fitments_changed();
        CREATE TRIGGER fitments_vehicle_parts_update AFTER UPDATE ON fitments
            REFERENCING OLD TABLE AS old_fitments NEW TABLE AS new_fitments
            FOR EACH STATEMENT EXECUTE FUNCTION vehicle_parts_fitments_changed();

        CREATE FUNCTION vehicle_parts_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE vehicle_parts SET "Name" = NEW."Name", "PriceMinor" = NEW."PriceMinor", "CreatedAt" = NEW."CreatedAt"
            WHERE "PartId" = NEW."Id";
            RETURN NULL;
        END $$;

        CREATE TRIGGER parts_vehicle_parts_update AFTER UPDATE OF "Name", "PriceMinor", "CreatedAt" ON parts FOR EACH ROW
            WHEN (OLD."Name" IS DISTINCT FROM NEW."Name" OR OLD."PriceMinor" IS DISTINCT FROM NEW."PriceMinor"
                  OR OLD."CreatedAt" IS DISTINCT FROM NEW."CreatedAt")
            EXECUTE FUNCTION vehicle_parts_part_changed();

        -- A vehicle's fitments go with it (cascade) after the vehicle row is gone, so the fitments trigger cannot see its
        -- key: forget by the vehicle's own key here. A vehicle whose key changes moves its parts.
        CREATE FUNCTION vehicle_parts_vehicles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM vehicle_parts_forget(array_agg(g."MakeKey"), array_agg(g."ModelKey"), array_agg(g."Year"), array_agg(g."PartId"))
            FROM (SELECT DISTINCT o."MakeKey", o."ModelKey", o."Year", vp."PartId"
                  FROM old_vehicles o JOIN vehicle_parts vp
                    ON vp."MakeKey" = o."MakeKey" AND vp."ModelKey" = o."ModelKey" AND vp."Year" = o."Year") g;
            IF TG_OP = 'UPDATE' THEN
                INSERT INTO vehicle_parts ("MakeKey", "ModelKey", "Year", "PartId", "Name", "PriceMinor", "CreatedAt")
                SELECT DISTINCT n."MakeKey", n."ModelKey", n."Year", p."Id", p."Name", p."PriceMinor", p."CreatedAt"
                FROM new_vehicles n JOIN fitments f ON f."VehicleId" = n."Id" JOIN parts p ON p."Id" = f."PartId"
                ON CONFLICT ("PartId", "MakeKey", "ModelKey", "Year") DO NOTHING;
            END IF;
            RETURN NULL;
        END $$;

        CREATE TRIGGER vehicles_vehicle_parts_delete AFTER DELETE ON vehicles
            REFERENCING OLD TABLE AS old_vehicles FOR EACH STATEMENT EXECUTE FUNCTION vehicle_parts_vehicles_changed();
        CREATE TRIGGER vehicles_vehicle_parts_update AFTER UPDATE ON vehicles
            REFERENCING OLD TABLE AS old_vehicles NEW TABLE AS new_vehicles
            FOR EACH STATEMENT EXECUTE FUNCTION vehicle_parts_vehicles_changed();
        """ + PostgresRebuild;

    /// <summary>Refills the table from fitments (after a migration or a bulk load with the triggers disabled).</summary>
    public const string PostgresRebuild = """

        TRUNCATE vehicle_parts;
        INSERT INTO vehicle_parts ("MakeKey", "ModelKey", "Year", "PartId", "Name", "PriceMinor", "CreatedAt")
        SELECT DISTINCT v."MakeKey", v."ModelKey", v."Year", p."Id", p."Name", p."PriceMinor", p."CreatedAt"
        FROM fitments f JOIN vehicles v ON v."Id" = f."VehicleId" JOIN parts p ON p."Id" = f."PartId";
        """;

    public const string PostgresDrop = """
        DROP TRIGGER IF EXISTS vehicles_vehicle_parts_update ON vehicles;
        DROP TRIGGER IF EXISTS vehicles_vehicle_parts_delete ON vehicles;
        DROP FUNCTION IF EXISTS vehicle_parts_vehicles_changed();
        DROP TRIGGER IF EXISTS parts_vehicle_parts_update ON parts;
        DROP FUNCTION IF EXISTS vehicle_parts_part_changed();
        DROP TRIGGER IF EXISTS fitments_vehicle_parts_update ON fitments;
        DROP TRIGGER IF EXISTS fitments_vehicle_parts_delete ON fitments;
        DROP TRIGGER IF EXISTS fitments_vehicle_parts_insert ON fitments;
        DROP FUNCTION IF EXISTS vehicle_parts_fitments_changed();
        DROP FUNCTION IF EXISTS vehicle_parts_forget(text[], text[], int[], bigint[]);
        """;
}
