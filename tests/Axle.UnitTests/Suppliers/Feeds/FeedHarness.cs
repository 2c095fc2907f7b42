using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Platform.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.UnitTests.Suppliers.Feeds;

/// <summary>What the scripted handler saw, copied at send time (the message itself is disposed by then).</summary>
internal sealed record SeenRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? Query(string name) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Uri.Query)
        .TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>The primary handler in tests: answers from a script and records every request that reached it.</summary>
internal sealed class ScriptedHandler(FeedHarness harness) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var seen = new SeenRequest(request.Method, request.RequestUri!, headers, body);
        harness.Seen.Enqueue(seen);
        var response = await harness.Respond(seen, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}

/// <summary>
/// The real registration (<see cref="FeedsSetup.AddSupplierFeeds"/>) over a scripted primary handler, or over the real
/// SSRF-guarded handler when <c>realHandler</c> is set. Resilience delays are tiny through configuration.
/// </summary>
internal sealed class FeedHarness : IDisposable
{
    public const string Url = "https://feeds.example.com/feed/stock";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Suppliers:Feeds:BaseDelay"] = "00:00:00.001",
        ["Suppliers:Feeds:MaxDelay"] = "00:00:02",
        ["Suppliers:Feeds:AttemptTimeout"] = "00:00:02",
        ["Suppliers:Feeds:TotalTimeout"] = "00:00:20",
        ["Suppliers:Feeds:MaxRetries"] = "3",
        ["OutboundUrls:AllowedHosts:0"] = "127.0.0.1",
    };

    public FeedHarness(
        Func<SeenRequest, CancellationToken, Task<HttpResponseMessage>>? respond = null,
        Dictionary<string, string?>? config = null,
        bool realHandler = false,
        IHostAddressResolver? resolver = null,
        TimeProvider? time = null)
    {
        Respond = respond ?? ((_, _) => Task.FromResult(Json("""{"items":[]}""")));
        var settings = new Dictionary<string, string?>(Defaults);
        foreach (var (key, value) in config ?? [])
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        if (resolver is not null)
        {
            services.AddSingleton(resolver);
        }

        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSupplierFeeds();
        if (!realHandler)
        {
            services.AddHttpClient<SupplierFeedClient>().ConfigurePrimaryHttpMessageHandler(() => new ScriptedHandler(this));
        }

        Provider = services.BuildServiceProvider();
    }

    public Func<SeenRequest, CancellationToken, Task<HttpResponseMessage>> Respond { get; set; }
    public ConcurrentQueue<SeenRequest> Seen { get; } = new();
    public ServiceProvider Provider { get; }
    public SupplierFeedClient Client => Provider.GetRequiredService<SupplierFeedClient>();

    public static FeedHarness Answering(Func<SeenRequest, HttpResponseMessage> respond, Dictionary<string, string?>? config = null) =>
        new((request, _) => Task.FromResult(respond(request)), config);

    public static FeedHarness Sequence(params Func<HttpResponseMessage>[] responses)
    {
        var next = 0;
        return new FeedHarness((_, _) => Task.FromResult(responses[Math.Min(Interlocked.Increment(ref next) - 1, responses.Length - 1)]()));
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("") };

    public static FeedSettings Settings(FeedFormat format = FeedFormat.JsonCursor, string url = Url) =>
        new() { Url = url, Format = format };

    public static FeedRequest Request(string supplier = "acme", FeedSettings? settings = null) => new(supplier, settings ?? Settings());

    public void Dispose() => Provider.Dispose();
}

/// <summary>A bare HTTP/1.1 server on 127.0.0.1 that answers each connection with fixed bytes, for the real-handler tests.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private int requests;

    public LoopbackServer(byte[] response)
    {
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                var buffer = new byte[8192];
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await socket.ReceiveAsync(buffer, stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref requests);
                await socket.SendAsync(response, stop.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        });
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public int Requests => Volatile.Read(ref requests);

    public static byte[] Response(byte[] body, params string[] headers)
    {
        var head = "HTTP/1.1 200 OK\r\nConnection: close\r\n" + string.Concat(headers.Select(h => h + "\r\n"))
            + $"Content-Length: {body.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}

/// <summary>Answers every host with fixed addresses, like a DNS server under an attacker's control.</summary>
internal sealed class FixedResolver(params string[] addresses) : IHostAddressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        addresses.Length == 0
            ? Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound))
            : Task.FromResult(addresses.Select(IPAddress.Parse).ToArray());
}
