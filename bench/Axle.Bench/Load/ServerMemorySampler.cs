using System.Globalization;

namespace Axle.Bench.Load;

/// <summary>
/// Reads <c>/proc/&lt;pid&gt;/status</c> every 200 ms while a run lasts and keeps the highest resident set size.
/// VmHWM (the kernel's own lifetime peak) is read at the end as well.
/// </summary>
internal sealed class ServerMemorySampler : IAsyncDisposable
{
    private readonly string _path;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakRssKb;

    private ServerMemorySampler(int pid)
    {
        _path = $"/proc/{pid}/status";
        _loop = LoopAsync();
    }

    public static ServerMemorySampler? Start(int? pid) =>
        pid is { } p && File.Exists($"/proc/{p}/status") ? new ServerMemorySampler(p) : null;

    /// <summary>The process name, to catch a pid that is a shell wrapper rather than the server itself.</summary>
    public static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Stops sampling; returns (peak VmRSS, VmHWM) in MB.</summary>
    public async Task<(double PeakRssMb, double? HwmMb)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        var hwm = Read("VmHWM:");
        return (Math.Round(Interlocked.Read(ref _peakRssKb) / 1024.0, 1), hwm is null ? null : Math.Round(hwm.Value / 1024.0, 1));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop;
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        if (Read("VmRSS:") is { } rss && rss > Interlocked.Read(ref _peakRssKb))
        {
            Interlocked.Exchange(ref _peakRssKb, rss);
        }
    }

    private long? Read(string field)
    {
        try
        {
            foreach (var line in File.ReadLines(_path))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var digits = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The server exited; keep what was seen.
        }

        return null;
    }
}
