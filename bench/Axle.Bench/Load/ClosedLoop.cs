using System.Diagnostics;
using Axle.Bench.Scenarios;

namespace Axle.Bench.Load;

/// <summary>What one measured phase saw.</summary>
internal sealed record PhaseResult(
    long Requests, double Seconds, long Non2xx, long Failures, SortedDictionary<int, long> StatusCodes,
    string? FirstFailure, LatencyStats Latency)
{
    public double RequestsPerSecond => Seconds > 0 ? Math.Round(Requests / Seconds, 1) : 0;

    public long Errors => Non2xx + Failures;
}

/// <summary>
/// A closed loop: N workers, each sending its next request as soon as the previous one is answered. Every phase is
/// bounded by time and by a request count; requests still in flight a few seconds after the deadline are cancelled.
/// </summary>
internal static class ClosedLoop
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public static async Task<PhaseResult> RunAsync(
        HttpClient client, IScenario scenario, int concurrency, TimeSpan warmup, TimeSpan duration, long maxRequests,
        CancellationToken ct)
    {
        if (warmup > TimeSpan.Zero)
        {
            await PhaseAsync(client, scenario, concurrency, warmup, maxRequests, ct);
        }

        return await PhaseAsync(client, scenario, concurrency, duration, maxRequests, ct);
    }

    private static async Task<PhaseResult> PhaseAsync(
        HttpClient client, IScenario scenario, int concurrency, TimeSpan duration, long maxRequests, CancellationToken ct)
    {
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hardStop.CancelAfter(duration + Grace);
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var issued = 0L;
        var started = Stopwatch.GetTimestamp();
        var workers = new Task<Worker>[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var worker = new Worker(new Random(1000 + w), (int)Math.Min(maxRequests / concurrency + 16, 1_000_000));
            workers[w] = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref issued) <= maxRequests)
                {
                    await worker.SendAsync(client, scenario, hardStop.Token);
                }

                return worker;
            }, CancellationToken.None);
        }

        var done = await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        ct.ThrowIfCancellationRequested();

        var latencies = new long[done.Sum(w => w.Latencies.Count)];
        var offset = 0;
        var codes = new SortedDictionary<int, long>();
        foreach (var worker in done)
        {
            worker.Latencies.CopyTo(latencies, offset);
            offset += worker.Latencies.Count;
            foreach (var (code, count) in worker.StatusCodes)
            {
                codes[code] = codes.GetValueOrDefault(code) + count;
            }
        }

        return new PhaseResult(
            latencies.Length + done.Sum(w => w.Failures),
            seconds,
            done.Sum(w => w.Non2xx),
            done.Sum(w => w.Failures),
            codes,
            done.Select(w => w.FirstFailure).FirstOrDefault(f => f is not null),
            LatencyStats.From(latencies));
    }

    private sealed class Worker(Random random, int capacity)
    {
        public List<long> Latencies { get; } = new(capacity);

        public Dictionary<int, long> StatusCodes { get; } = [];

        public long Non2xx { get; private set; }

        public long Failures { get; private set; }

        public string? FirstFailure { get; private set; }

        public async Task SendAsync(HttpClient client, IScenario scenario, CancellationToken ct)
        {
            using var request = scenario.CreateRequest(random);
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                // The body is part of the latency: a page is not served until its last byte is read.
                await response.Content.CopyToAsync(Stream.Null, ct);
                Latencies.Add(Stopwatch.GetTimestamp() - start);
                var code = (int)response.StatusCode;
                StatusCodes[code] = StatusCodes.GetValueOrDefault(code) + 1;
                if (code is < 200 or > 299)
                {
                    Non2xx++;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                // Timeouts, refused connections and requests cut off at the hard stop are errors, not crashes.
                Failures++;
                FirstFailure ??= $"{ex.GetType().Name}: {ex.Message}";
            }
        }
    }
}
