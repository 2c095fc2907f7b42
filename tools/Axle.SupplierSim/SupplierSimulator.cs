using System.ComponentModel.DataAnnotations;
using System.IO.Compression;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.ResponseCompression;

namespace Axle.SupplierSim;

/// <summary>
/// A fake supplier on real Kestrel sockets: a native stock feed, an orders endpoint, injectable faults, counters and a
/// webhook pusher. Start it in-process with <see cref="StartAsync"/> (tests) or run the project (demos, benchmarks); the
/// C# members here and the <c>/_sim/...</c> routes are the same controls.
/// </summary>
public sealed class SupplierSimulator : IAsyncDisposable
{
    internal const string FaultItem = "sim.fault";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly RateGate _rate;
    private readonly SimAuth _auth;
    private long _cursorGeneration;

    private SupplierSimulator(WebApplication app, SimulatorOptions options, StockCatalog catalog)
    {
        _app = app;
        Options = options;
        Catalog = catalog;
        Counters = new SimCounters();
        Faults = new FaultQueue(options.Clock);
        Orders = new OrderBook(catalog, Counters, options.Clock);
        _rate = new RateGate(options.Clock, options.RequestsPerMinute, options.RateLimitWindow);
        _auth = new SimAuth(options);
    }

    public SimulatorOptions Options { get; }

    /// <summary>Where the simulator listens, e.g. http://127.0.0.1:41234/ (always with a trailing slash).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public StockCatalog Catalog { get; }
    public FaultQueue Faults { get; }
    public SimCounters Counters { get; }
    public OrderBook Orders { get; }

    /// <summary>Shortcut for <c>Counters.Snapshot()</c>.</summary>
    public SimStats Stats => Counters.Snapshot();

    public static async Task<SupplierSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken ct = default)
    {
        var sim = Build(options ?? new SimulatorOptions(), []);
        await sim.StartServerAsync(ct);
        return sim;
    }

    internal async Task StartServerAsync(CancellationToken ct = default)
    {
        await _app.StartAsync(ct);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        var address = addresses.Addresses.First();
        BaseUrl = new Uri(address.Replace("://[::]", "://localhost", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    /// <summary>Every cursor issued so far answers 410 from now on.</summary>
    public void ExpireCursors() => Interlocked.Increment(ref _cursorGeneration);

    /// <summary>Every OAuth2 access token issued so far stops working.</summary>
    public void RevokeTokens() => _auth.RevokeTokens();

    /// <summary>Changes the rate limit at run time; 0 turns it off.</summary>
    public void SetRateLimit(int requestsPerMinute, RateLimitWindow window = RateLimitWindow.Fixed) => _rate.Configure(requestsPerMinute, window);

    /// <summary>Pushes signed stock webhooks built from this simulator's catalog.</summary>
    public Task<PushReport> PushAsync(PushOptions options, CancellationToken ct = default) => WebhookPusher.PushAsync(Catalog, options, ct);

    /// <summary>Runs until Ctrl+C (the runnable mode).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    internal FeedCursor NewCursor(long afterSequence, long since) =>
        new(afterSequence, Interlocked.Read(ref _cursorGeneration), Options.Clock.GetUtcNow().ToUnixTimeSeconds(), since);

    internal bool IsCursorCurrent(FeedCursor cursor) =>
        cursor.Generation == Interlocked.Read(ref _cursorGeneration)
        && (Options.CursorTtl is not { } ttl || Options.Clock.GetUtcNow().ToUnixTimeSeconds() - cursor.IssuedAt <= (long)ttl.TotalSeconds);

    internal static SupplierSimulator Build(SimulatorOptions options, string[] args)
    {
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(SupplierSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(options.Verbose ? LogLevel.Information : LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["application/json", "text/csv"];
        });
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        if (options.Urls is { } urls)
        {
            builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        else
        {
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        }

        var app = builder.Build();
        var sim = new SupplierSimulator(app, options, new StockCatalog(options));
        app.UseResponseCompression();
        app.Use(sim.Gate);
        app.MapFeed(sim);
        app.MapPost(SimAuth.TokenPath, (HttpRequest request) => sim._auth.IssueToken(request));
        app.MapPost("/orders", (OrderBook.OrderRequest? body, HttpRequest request) =>
            sim.Orders.Place(body, request.Headers["Idempotency-Key"].ToString()));
        app.MapControl(sim);
        return sim;
    }

    /// <summary>Counters, then faults, then the rate limit, then authentication, for every supplier path.</summary>
    private async Task Gate(HttpContext ctx, RequestDelegate next)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path.StartsWith(ControlEndpoints.Prefix, StringComparison.Ordinal))
        {
            await next(ctx);
            return;
        }

        Counters.Request(path);
        try
        {
            if (Faults.Next(path) is { } fault)
            {
                Counters.Fault();
                if (await Apply(fault, ctx))
                {
                    return;
                }
            }

            if (!_rate.TryAcquire(out var retryAfter))
            {
                ctx.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await FeedEndpoints.Error(ctx, 429, "rate_limited");
                return;
            }

            if (path != SimAuth.TokenPath && !_auth.IsAuthorized(ctx.Request))
            {
                ctx.Response.Headers.WWWAuthenticate = _auth.Challenge;
                await FeedEndpoints.Error(ctx, 401, "unauthorized");
                return;
            }

            await next(ctx);
        }
        finally
        {
            // An abort the simulator caused was counted when it happened (AbortByFault).
            if (!ctx.Items.ContainsKey(AbortedByFault))
            {
                if (ctx.RequestAborted.IsCancellationRequested)
                {
                    Counters.Abort();
                }
                else
                {
                    Counters.Response(ctx.Response.StatusCode);
                }
            }
        }
    }

    private static readonly object AbortedByFault = new();


    /// <summary>
    /// Counts the abort before the connection drops, so a client that sees the reset also sees it counted (counting after,
    /// in the middleware's finally, raced the client's next request on a loaded machine).
    /// </summary>
    private void AbortByFault(HttpContext ctx)
    {
        ctx.Items[AbortedByFault] = true;
        Counters.Abort();
        ctx.Abort();
    }

    /// <summary>True when the fault answered the request; false when normal service should follow (delays, body shaping).</summary>
    private async Task<bool> Apply(Fault fault, HttpContext ctx)
    {
        switch (fault.Kind)
        {
            case FaultKind.Delay:
                await Task.Delay(fault.Delay, ctx.RequestAborted);
                return false;
            case FaultKind.Hang:
                using (var both = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token))
                {
                    try
                    {
                        await Task.Delay(Options.HangLimit, both.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The client gave up or the simulator is stopping: either way there is no one to answer.
                    }
                }

                AbortByFault(ctx);
                return true;
            case FaultKind.ConnectionReset:
                AbortByFault(ctx);
                return true;
            case FaultKind.TooManyRequests:
                ctx.Response.Headers.RetryAfter = ((int)Math.Ceiling(fault.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await FeedEndpoints.Error(ctx, 429, "rate_limited");
                return true;
            case FaultKind.ExpiredCursor:
                await FeedEndpoints.Error(ctx, 410, "cursor_expired");
                return true;
            case FaultKind.Status:
                await FeedEndpoints.Error(ctx, fault.StatusCode, "injected_fault");
                return true;
            default:
                ctx.Items[FaultItem] = fault;
                return false;
        }
    }
}
