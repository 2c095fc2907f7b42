using Axle.Tests.Infrastructure;

namespace Axle.Tests.ScaleOut;

/// <summary>
/// Two instances of the app, as two processes behind one load balancer: <see cref="A"/> owns a fresh database and data
/// directory, <see cref="B"/> runs on the same ones (same keys, same bootstrap admin) and, with <c>Redis__Configuration</c>
/// set, the same Redis key prefix. Workers are off in both; tests drive each instance's <c>RunOnceAsync</c> themselves.
/// A test class takes this as its class fixture (or a subclass with other <see cref="Settings"/>) and adds a case with a
/// plain <c>[Fact]</c>: one for the outbox relay, say, runs both instances' relays and counts deliveries.
/// </summary>
public class TwoInstances : IAsyncLifetime
{
    private Instance? _a;
    private Instance? _b;

    public AxleFactory A => _a ?? throw new InvalidOperationException("The instances start in InitializeAsync.");

    public AxleFactory B => _b ?? throw new InvalidOperationException("The instances start in InitializeAsync.");

    public IReadOnlyList<AxleFactory> Both => [A, B];

    /// <summary>
    /// Settings both instances get on top of <see cref="AxleFactory"/>'s. Small worker batches, so that when both instances'
    /// workers drain a queue each gets a share and they really contend.
    /// </summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Suppliers:InboxBatch"] = "2",
        ["Outbox:BatchSize"] = "3",
        ["Outbox:MaxBatchesPerRun"] = "1",
        ["Webhooks:BatchSize"] = "2",
        ["Webhooks:MaxBatchesPerRun"] = "1",
        // Webhook receivers in tests listen on loopback.
        ["OutboundUrls:AllowedNetworks:0"] = "127.0.0.0/8",
        ["OutboundUrls:RequireHttps"] = "false",
    };

    public async ValueTask InitializeAsync()
    {
        // One after the other, as a deployment does: the first start migrates the database, the second finds it current.
        _a = new Instance(Settings);
        await _a.InitializeAsync();
        _b = new Instance(_a, Settings);
        await _b.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private sealed class Instance : AxleFactory
    {
        private readonly IDictionary<string, string?> _settings;

        public Instance(IDictionary<string, string?> settings) => _settings = settings;

        public Instance(AxleFactory first, IDictionary<string, string?> settings)
            : base(first) => _settings = settings;

        protected override IDictionary<string, string?> Overrides => _settings;
    }
}

/// <summary>Skips (with the reason) a test whose subject needs PostgreSQL or a Redis server that this run lacks.</summary>
internal static class Needs
{
    public static void Postgres()
    {
        if (!AxleFactory.IsPostgres)
        {
            Assert.Skip("Two instances coordinate through PostgreSQL (row locks, SKIP LOCKED); run with Database__Provider=Postgres.");
        }
    }

    public static void Redis()
    {
        if (!AxleFactory.IsRedis)
        {
            Assert.Skip("Needs a Redis server: set Redis__Configuration (CI starts redis-server and sets it for the PostgreSQL run).");
        }
    }
}
