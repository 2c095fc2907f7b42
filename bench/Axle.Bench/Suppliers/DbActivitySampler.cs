using System.Globalization;
using System.Text.RegularExpressions;
using Axle.Bench.Load;
using Npgsql;

namespace Axle.Bench.Suppliers;

/// <summary>What the database was doing for the server while a run lasted, from sampling.</summary>
/// <param name="Samples">Ticks of the sampler (every 100 ms).</param>
/// <param name="Busy">Ticks in which some other session of the database was running a statement.</param>
/// <param name="Statements">Per statement (the first 90 characters, whitespace collapsed, or "idle in transaction"), ticks active.</param>
/// <param name="BackendCpuSeconds">CPU time (user + system) the database's other backends used between their first and last sighting.</param>
internal sealed record DbActivity(int Samples, int Busy, IReadOnlyList<KeyValuePair<string, int>> Statements, double BackendCpuSeconds);

/// <summary>
/// A poor man's profiler for the database side of a run, without pg_stat_statements: <c>pg_stat_activity</c> of the
/// server's database every 100 ms (this connection excluded), counting which statement each other session is running, and
/// <c>/proc/&lt;pid&gt;/stat</c> of those backends (the same machine) for their CPU time.
/// </summary>
internal sealed partial class DbActivitySampler : IAsyncDisposable
{
    private const string Activity = """
        SELECT pid, state, left(query, 400) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND state IN ('active', 'idle in transaction')
        """;

    private readonly NpgsqlConnection _db;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, int> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (double First, double Last)> _cpu = [];
    private readonly Task _loop;
    private int _samples;
    private int _busy;

    private DbActivitySampler(NpgsqlConnection db)
    {
        _db = db;
        _loop = LoopAsync();
    }

    public static async Task<DbActivitySampler> StartAsync(string connection, CancellationToken ct)
    {
        var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        return new DbActivitySampler(db);
    }

    public async Task<DbActivity> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        var cpu = _cpu.Values.Sum(c => c.Last - c.First) / 1000;
        return new DbActivity(_samples, _busy, [.. _statements.OrderByDescending(s => s.Value)], Math.Round(cpu, 2));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop;
        }

        _stop.Dispose();
        await _db.DisposeAsync();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                await SampleAsync(_stop.Token);
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Activity, _db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var busy = false;
        while (await reader.ReadAsync(ct))
        {
            var pid = reader.GetInt32(0);
            var active = reader.GetString(1) == "active";
            var query = Whitespace().Replace(reader.IsDBNull(2) ? "" : reader.GetString(2), " ").Trim();
            var key = active ? query[..Math.Min(90, query.Length)] : "(idle in transaction: the server works between statements)";
            busy |= active;
            _statements[key] = _statements.GetValueOrDefault(key) + 1;
            if (ServerCpu.Milliseconds(pid) is { } ms)
            {
                _cpu[pid] = _cpu.TryGetValue(pid, out var seen) ? (seen.First, ms) : (ms, ms);
            }
        }

        _samples++;
        _busy += busy ? 1 : 0;
    }

    public static string Describe(DbActivity a, int top)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"  database: a statement of the server running in {a.Busy * 100.0 / Math.Max(1, a.Samples):F0}% of {a.Samples} samples (100 ms); its backends used {a.BackendCpuSeconds:F1} CPU s"),
        };
        lines.AddRange(a.Statements.Take(top).Select(s => string.Create(CultureInfo.InvariantCulture,
            $"    {s.Value * 100.0 / Math.Max(1, a.Samples),5:F1}%  {s.Key}")));
        return string.Join(Environment.NewLine, lines);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
