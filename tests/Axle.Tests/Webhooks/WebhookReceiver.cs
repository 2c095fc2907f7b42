using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axle.Tests.Webhooks;

/// <summary>One request the receiver got: the Standard Webhooks headers and the raw body.</summary>
internal sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, byte[] Body, DateTime At);

/// <summary>
/// A subscriber's endpoint on 127.0.0.1 (a real Kestrel server, so deliveries go over real sockets through the SSRF guard).
/// It records every request and answers with <see cref="Status"/> after <see cref="Delay"/>.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public volatile int Status = 200;

    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public Uri BaseUrl { get; private set; } = null!;

    public string Url(string path = "hooks") => new Uri(BaseUrl, path).ToString();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers;
            receiver.Received.Enqueue(new ReceivedWebhook(context.Request.Path, headers["webhook-id"], headers["webhook-timestamp"],
                headers["webhook-signature"], body.ToArray(), DateTime.UtcNow));
            if (receiver.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(receiver.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            context.Response.StatusCode = receiver.Status;
            await context.Response.WriteAsync(receiver.Status < 300 ? "ok" : "receiver says no");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
