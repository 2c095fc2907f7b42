using Microsoft.Extensions.Options;

namespace Axle.Api.Platform.Hosting;

public sealed class WorkersOptions
{
    public const string Section = "Workers";

    /// <summary>Whether this instance runs background workers. Tests turn them off and drive <c>RunOnceAsync</c>.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// A background worker as a plain loop: a <see cref="PeriodicTimer"/>, a fresh DI scope per iteration and one batch.
/// Tests call <see cref="RunOnceAsync"/> directly.
/// </summary>
public abstract partial class PeriodicWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, TimeProvider time, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>Runs one iteration in its own scope. Returns how many items it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await RunAsync(scope.ServiceProvider, ct);
    }

    protected abstract Task<int> RunAsync(IServiceProvider services, CancellationToken ct);

    private DateTime _nextHousekeeping;

    /// <summary>
    /// Runs <paramref name="batch"/> until one handles fewer than <paramref name="batchSize"/> items or
    /// <paramref name="maxBatches"/> have run: a backlog drains within one iteration, which still ends. Returns the items handled.
    /// </summary>
    protected static async Task<int> DrainAsync(int maxBatches, int batchSize, Func<Task<int>> batch)
    {
        var total = 0;
        for (var i = 0; i < maxBatches; i++)
        {
            var handled = await batch();
            total += handled;
            if (handled < batchSize)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>True at most once an hour (and on the first call): when this worker should also delete what has expired.</summary>
    protected bool HousekeepingDue(DateTime now)
    {
        if (now < _nextHousekeeping)
        {
            return false;
        }

        _nextHousekeeping = now + TimeSpan.FromHours(1);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!workers.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var handled = await RunOnceAsync(stoppingToken);
                if (handled > 0)
                {
                    LogBatch(logger, GetType().Name, handled);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed iteration is retried on the next tick; the loop never dies.
                LogFailed(logger, ex, GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Worker} handled {Count} items")]
    private static partial void LogBatch(ILogger logger, string worker, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker} iteration failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string worker);
}

/// <summary>Work that must happen once at start-up, after migrations (bootstrap admin, demo data).</summary>
public interface IStartupTask
{
    Task RunAsync(IServiceProvider services, CancellationToken ct);
}

public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Load the demo catalog on first start. Defaults to true in Development.</summary>
    public bool? Demo { get; set; }
}

public static class HostingSetup
{
    public static WebApplicationBuilder AddAxleHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkersOptions>().BindConfiguration(WorkersOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section)
            .PostConfigure<IHostEnvironment>((o, env) => o.Demo ??= env.IsDevelopment());
        return builder;
    }

    public static IServiceCollection AddStartupTask<T>(this IServiceCollection services) where T : class, IStartupTask =>
        services.AddTransient<IStartupTask, T>();

    public static IServiceCollection AddWorker<T>(this IServiceCollection services) where T : PeriodicWorker
    {
        services.AddSingleton<T>();
        return services.AddHostedService(sp => sp.GetRequiredService<T>());
    }

    public static async Task RunStartupTasksAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        foreach (var task in scope.ServiceProvider.GetServices<IStartupTask>())
        {
            await task.RunAsync(scope.ServiceProvider, ct);
        }
    }
}
