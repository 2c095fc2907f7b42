using System.Text.Json;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>A fitment an import adds or deletes; <see cref="PositionKey"/> is the position upper-cased, "" for none.</summary>
internal readonly record struct FitmentKey(long PartId, int VehicleId, string PositionKey)
{
    public static FitmentKey Of(long partId, int vehicleId, string? position) =>
        new(partId, vehicleId, (position ?? "").ToUpperInvariant());
}

internal sealed record FitmentRow(FitmentKey Key, string? Position, int Quantity, string? Notes);

/// <summary>
/// One statement per batch for an import's fitments instead of one row at a time through the change tracker: the
/// whole batch goes to the database as arrays (PostgreSQL <c>unnest</c>) or one JSON array (SQLite <c>json_each</c>),
/// "add unless the same part, vehicle and position exists" and "delete these" are decided there, and the statement
/// returns the keys it really changed so the import can count them. Measured in bench/ (<c>import</c>).
/// </summary>
internal static class FitmentBulkSql
{
    /// <summary>For the batch's transaction only.</summary>
    public const string PostgresNoJit = "SET LOCAL jit = off";

    public const string PostgresNamedVehicles = """
        SELECT v."Id", v."MakeKey", v."ModelKey", v."Year", v."Submodel", v."Engine"
        FROM unnest(@makes, @models, @years) AS k(make, model, year)
        JOIN vehicles v ON v."MakeKey" = k.make AND v."ModelKey" = k.model AND v."Year" = k.year
        """;

    public const string PostgresInsert = """
        INSERT INTO fitments ("PartId", "VehicleId", "Position", "Quantity", "Notes")
        SELECT n.part, n.vehicle, n.position, n.quantity, n.notes
        FROM unnest(@parts, @vehicles, @positions, @quantities, @notes) AS n(part, vehicle, position, quantity, notes)
        WHERE NOT EXISTS (
            SELECT 1 FROM fitments f
            WHERE f."VehicleId" = n.vehicle AND f."PartId" = n.part AND upper(coalesce(f."Position", '')) = upper(coalesce(n.position, '')))
        RETURNING "PartId", "VehicleId", upper(coalesce("Position", ''))
        """;

    public const string PostgresDelete = """
        DELETE FROM fitments f
        USING unnest(@parts, @vehicles, @positions) AS d(part, vehicle, position)
        WHERE f."VehicleId" = d.vehicle AND f."PartId" = d.part AND upper(coalesce(f."Position", '')) = d.position
        RETURNING f."PartId", f."VehicleId", upper(coalesce(f."Position", ''))
        """;

    // Each element of $rows is [partId, vehicleId, position, quantity, notes].
    public const string SqliteInsert = """
        INSERT INTO fitments (PartId, VehicleId, Position, Quantity, Notes)
        SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4
        FROM json_each($rows) j
        WHERE NOT EXISTS (
            SELECT 1 FROM fitments f
            WHERE f.VehicleId = j.value ->> 1 AND f.PartId = j.value ->> 0
              AND upper(coalesce(f.Position, '')) = upper(coalesce(j.value ->> 2, '')))
        RETURNING PartId, VehicleId, upper(coalesce(Position, ''))
        """;

    // Each element of $rows is [partId, vehicleId, positionKey].
    public const string SqliteDelete = """
        DELETE FROM fitments
        WHERE Id IN (
            SELECT f.Id FROM json_each($rows) j
            JOIN fitments f ON f.VehicleId = j.value ->> 1 AND f.PartId = j.value ->> 0
                           AND upper(coalesce(f.Position, '')) = j.value ->> 2)
        RETURNING PartId, VehicleId, upper(coalesce(Position, ''))
        """;

    /// <summary>Adds the rows that do not exist yet; returns the keys added. Runs in the context's current transaction.</summary>
    public static Task<HashSet<FitmentKey>> InsertAsync(AppDbContext db, IReadOnlyList<FitmentRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return Task.FromResult(new HashSet<FitmentKey>());
        }

        return db.Database.IsNpgsql()
            ? RunAsync(db, PostgresInsert, ct,
                ("parts", rows.Select(r => r.Key.PartId).ToArray()),
                ("vehicles", rows.Select(r => r.Key.VehicleId).ToArray()),
                ("positions", rows.Select(r => r.Position).ToArray()),
                ("quantities", rows.Select(r => r.Quantity).ToArray()),
                ("notes", rows.Select(r => r.Notes).ToArray()))
            : RunAsync(db, SqliteInsert, ct,
                ("$rows", JsonSerializer.Serialize(rows.Select(r => new object?[] { r.Key.PartId, r.Key.VehicleId, r.Position, r.Quantity, r.Notes }))));
    }

    /// <summary>Deletes the fitments with these keys; returns the keys deleted.</summary>
    public static Task<HashSet<FitmentKey>> DeleteAsync(AppDbContext db, IReadOnlyCollection<FitmentKey> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return Task.FromResult(new HashSet<FitmentKey>());
        }

        return db.Database.IsNpgsql()
            ? RunAsync(db, PostgresDelete, ct,
                ("parts", keys.Select(k => k.PartId).ToArray()),
                ("vehicles", keys.Select(k => k.VehicleId).ToArray()),
                ("positions", keys.Select(k => k.PositionKey).ToArray()))
            : RunAsync(db, SqliteDelete, ct,
                ("$rows", JsonSerializer.Serialize(keys.Select(k => new object[] { k.PartId, k.VehicleId, k.PositionKey }))));
    }

    private static async Task<HashSet<FitmentKey>> RunAsync(AppDbContext db, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        [.. await RawSql.QueryAsync(db, sql, reader => new FitmentKey(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)), ct, parameters)];
}
