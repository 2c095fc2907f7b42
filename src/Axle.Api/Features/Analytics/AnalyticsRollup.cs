using System.Text;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Analytics;

/// <summary>
/// One counter of one hour: how many requests a route served, how many orders entered a status, the revenue of a currency
/// in minor units, or the count of one duration bucket (<see cref="DurationBuckets"/>). Rows only ever grow by upserts
/// that add, so any number of instances can flush into them; a report sums the hours of its range and never reads orders.
/// </summary>
public sealed class AnalyticsRollup
{
    public const int MetricMaxLength = 64;
    public const int KeyMaxLength = 200;

    private AnalyticsRollup()
    {
    }

    /// <summary>The UTC hour the counts fall in (minutes, seconds and ticks zero).</summary>
    public DateTime HourStart { get; private set; }
    public string Metric { get; private set; } = "";

    /// <summary>What the metric is counted by: a currency, a status, a route, a bucket index.</summary>
    public string Key { get; private set; } = "";
    public long Value { get; private set; }

    /// <summary>The start of the UTC hour <paramref name="utc"/> falls in.</summary>
    public static DateTime HourOf(DateTime utc) => new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);
}

internal sealed class AnalyticsRollupConfiguration : IEntityTypeConfiguration<AnalyticsRollup>
{
    public void Configure(EntityTypeBuilder<AnalyticsRollup> b)
    {
        b.ToTable("analytics_rollups");
        // The report reads a range of hours: the key leads with the hour.
        b.HasKey(r => new { r.HourStart, r.Metric, r.Key });
        b.Property(r => r.Metric).HasMaxLength(AnalyticsRollup.MetricMaxLength);
        b.Property(r => r.Key).HasMaxLength(AnalyticsRollup.KeyMaxLength);
    }
}

/// <summary>One hour's count to add to <see cref="AnalyticsRollup"/>.</summary>
public readonly record struct RollupKey(DateTime HourStart, string Metric, string Key);

internal static class AnalyticsRollups
{
    // Both databases: insert the hour's row or add to it. Rows of one statement have distinct keys (PostgreSQL refuses a
    // statement that would update the same row twice), which the recorder's dictionary guarantees.
    private const string UpsertHead = """INSERT INTO analytics_rollups ("HourStart", "Metric", "Key", "Value") VALUES """;
    private const string UpsertTail = """
         ON CONFLICT ("HourStart", "Metric", "Key") DO UPDATE SET "Value" = analytics_rollups."Value" + excluded."Value"
        """;

    private const int RowsPerStatement = 250;

    /// <summary>Adds <paramref name="counts"/> to their rows in one transaction.</summary>
    public static async Task AddAsync(AppDbContext db, IReadOnlyList<KeyValuePair<RollupKey, long>> counts, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var chunk in counts.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder(UpsertHead);
            var parameters = new object[chunk.Length * 4];
            for (var i = 0; i < chunk.Length; i++)
            {
                var (key, value) = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append('(')
                    .Append('{').Append(i * 4).Append("}, {").Append((i * 4) + 1).Append("}, {")
                    .Append((i * 4) + 2).Append("}, {").Append((i * 4) + 3).Append("})");
                parameters[i * 4] = key.HourStart;
                parameters[(i * 4) + 1] = key.Metric;
                parameters[(i * 4) + 2] = key.Key;
                parameters[(i * 4) + 3] = value;
            }

            sql.Append(UpsertTail);
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }

        await transaction.CommitAsync(ct);
    }
}
