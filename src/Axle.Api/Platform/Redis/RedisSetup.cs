using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.OutputCaching.StackExchangeRedis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Axle.Api.Platform.Redis;

public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>127.0.0.1:6379</c>, <c>redis.internal:6379,password=…,ssl=true</c>).
    /// Set it when several instances serve one site: rate limits and the catalog output cache then live in Redis and are
    /// shared. Unset, both stay in this process's memory, which is right for a single instance only.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key Axle writes, so several deployments (or test runs) can share one Redis.</summary>
    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string InstanceName { get; set; } = "axle:";

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);

    internal bool IsValid()
    {
        if (!Enabled)
        {
            return true;
        }

        try
        {
            _ = ConfigurationOptions.Parse(Configuration!);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>
/// This process's one connection to Redis, made on first use. Commands fail at once while Redis is unreachable (no
/// backlog, no connect-time abort), so callers can fall back to local state instead of waiting for timeouts; the
/// multiplexer keeps reconnecting in the background.
/// </summary>
public sealed partial class RedisConnection : IDisposable
{
    private static readonly TimeSpan WarnEvery = TimeSpan.FromSeconds(30);

    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private readonly ILogger<RedisConnection> _logger;
    private readonly TimeProvider _time;
    private long _lastWarning = long.MinValue;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger, TimeProvider time)
    {
        var settings = options.Value;
        Enabled = settings.Enabled;
        InstanceName = settings.InstanceName;
        _logger = logger;
        _time = time;
        _multiplexer = new(() => ConnectionMultiplexer.Connect(Configure(settings.Configuration!)));
    }

    public bool Enabled { get; }

    public string InstanceName { get; }

    public IConnectionMultiplexer Multiplexer => _multiplexer.Value;

    /// <summary>False while no connection to Redis is up; callers then go straight to their fallback.</summary>
    public bool IsConnected
    {
        get
        {
            try
            {
                return Multiplexer.IsConnected;
            }
            catch (Exception e) when (IsOutage(e))
            {
                // Connecting does not throw for an unreachable server (AbortOnConnectFail is off); this is a last guard.
                ReportOutage(e, "Redis");
                return false;
            }
        }
    }

    internal static ConfigurationOptions Configure(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    /// <summary>Whether a Redis call's exception is Redis being unreachable or slow (worth a fallback), not a bug.</summary>
    public static bool IsOutage(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException
        || (e is AggregateException all && all.InnerExceptions.All(IsOutage));

    /// <summary>Logs that <paramref name="what"/> fell back because Redis failed: at most one warning per 30 seconds.</summary>
    public void ReportOutage(Exception e, string what)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if (last != long.MinValue && _time.GetElapsedTime(last, now) < WarnEvery)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            LogOutage(_logger, e, what);
        }
    }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable; {What} falls back to this instance's memory until it returns")]
    private static partial void LogOutage(ILogger logger, Exception exception, string what);
}

public static class RedisSetup
{
    /// <summary>
    /// Binds <see cref="RedisOptions"/> and, when Redis is configured, puts the output cache in Redis (tag eviction reaches
    /// every instance) behind <see cref="FailSafeOutputCacheStore"/>. Rate limiters ask <see cref="RedisConnection"/> themselves.
    /// </summary>
    public static WebApplicationBuilder AddAxleRedis(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.IsValid(), "Redis:Configuration is not a valid StackExchange.Redis configuration string.")
            .ValidateOnStart();
        services.AddSingleton<RedisConnection>();

        var settings = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
        if (!settings.Enabled)
        {
            return builder;
        }

        services.AddStackExchangeRedisOutputCache(_ => { });
        services.AddOptions<RedisOutputCacheOptions>().Configure<RedisConnection>((o, redis) =>
        {
            o.InstanceName = redis.InstanceName + "oc:";
            o.ConnectionMultiplexerFactory = () => Task.FromResult(redis.Multiplexer);
        });

        // The Redis store throws when Redis is down; the middleware would turn that into a 500 for every cached GET.
        var redisStore = services.Last(d => d.ServiceType == typeof(IOutputCacheStore));
        services.Remove(redisStore);
        services.AddSingleton<IOutputCacheStore>(sp => new FailSafeOutputCacheStore(
            (IOutputCacheBufferStore)ActivatorUtilities.CreateInstance(sp, redisStore.ImplementationType!),
            sp.GetRequiredService<RedisConnection>()));

        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, tags: ["ready"]);
        return builder;
    }
}

/// <summary>
/// Reports Redis as degraded, never unhealthy: instances keep serving without it (limits per instance, no shared cache),
/// and taking every instance out of the balancer because the shared Redis is down would turn a degradation into an outage.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (redis.IsConnected)
            {
                await redis.Multiplexer.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "redis unreachable", e);
        }

        return new HealthCheckResult(context.Registration.FailureStatus, "redis unreachable");
    }
}
