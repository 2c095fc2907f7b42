using System.Diagnostics;
using System.Globalization;

namespace Axle.Bench.Reliability;

/// <summary>How to start the server under test: its dll, an environment file (<c>NAME=value</c> lines, written by the
/// script from the same settings as <c>bench/serve.sh</c>), where its output goes and where its pid is kept.</summary>
internal sealed record ServerSpec(Uri Url, string Dll, string EnvFile, string Log, string PidFile)
{
    public static ServerSpec From(CommandLine line, Uri url) => new(
        url,
        line.Required("server-dll"),
        line.Required("server-env"),
        line.Required("server-log"),
        line.Required("pid-file"));
}

/// <summary>
/// A real Release server process the reliability drivers own: started, killed with SIGKILL, stopped with SIGTERM and
/// restarted with the same environment and data directory (so its signing and Data Protection keys survive restarts,
/// as they would on a real host). Only the process this class started is ever signalled.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private readonly ServerSpec _spec;
    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    private ServerProcess(ServerSpec spec, Dictionary<string, string> environment)
    {
        _spec = spec;
        _environment = environment;
    }

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public int Starts { get; private set; }

    public static ServerProcess Create(ServerSpec spec)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(spec.EnvFile))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line.StartsWith('#') || eq < 1)
            {
                continue;
            }

            environment[line[..eq]] = line[(eq + 1)..];
        }

        return new ServerProcess(spec, environment);
    }

    /// <summary>Starts the server and waits (bounded) until <c>/health/ready</c> answers 200; returns the seconds it took.</summary>
    public async Task<double> StartAsync(CancellationToken ct)
    {
        if (Pid is not null)
        {
            throw new InvalidOperationException("The server is already running.");
        }

        var clock = Stopwatch.StartNew();
        // exec keeps the pid: the one we hold is the dotnet process itself, for SIGKILL and /proc sampling.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", "exec dotnet \"$0\" >>\"$1\" 2>&1", _spec.Dll, _spec.Log })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        Starts++;
        await File.WriteAllTextAsync(_spec.PidFile, _process.Id.ToString(CultureInfo.InvariantCulture), ct);
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} while starting; see {_spec.Log}.");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri(_spec.Url, "/health/ready"), ct);
                if (response.IsSuccessStatusCode)
                {
                    return Math.Round(clock.Elapsed.TotalSeconds, 2);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(200, ct);
        }

        Kill();
        throw new InvalidOperationException($"The server was not ready within {ReadyTimeout.TotalSeconds:F0} s; see {_spec.Log}.");
    }

    /// <summary>SIGKILL, no warning: whatever was in flight is cut off.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(); // SIGKILL on Unix
            p.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM and a bounded wait for a graceful shutdown, then SIGKILL.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            using (var term = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await p.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        File.Delete(_spec.PidFile);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }
}
