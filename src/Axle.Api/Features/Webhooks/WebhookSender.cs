using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Axle.Api.Platform.Http;
using Polly.Timeout;

namespace Axle.Api.Features.Webhooks;

/// <summary>What one attempt came to. <see cref="Permanent"/> failures (the URL is refused) are not retried.</summary>
internal sealed record SendResult(bool Success, int? StatusCode, int LatencyMs, string? Error, string? Response, bool Permanent = false);

/// <summary>
/// Sends one signed delivery (typed <see cref="HttpClient"/>: SSRF-guarded connections, no redirects, the attempt timeout
/// from the resilience pipeline; retries are the delivery schedule's, not the client's). Headers per Standard Webhooks:
/// <c>webhook-id</c> (the event's, the same on every attempt), <c>webhook-timestamp</c> (this attempt's),
/// <c>webhook-signature</c> (one <c>v1,…</c> per signing secret).
/// </summary>
internal sealed class WebhookSender(HttpClient http)
{
    private const int SnippetBytes = 1024;

    public async Task<SendResult> SendAsync(
        string url, string messageId, byte[] body, IReadOnlyList<string> secrets, DateTimeOffset now, CancellationToken ct)
    {
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.IdHeader, messageId);
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.SignatureHeader,
            string.Join(' ', secrets.Select(s => StandardWebhookSignature.Sign(s, messageId, timestamp, body))));

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var snippet = await SnippetAsync(response, ct);
            var status = (int)response.StatusCode;
            var latency = Elapsed(watch);
            return response.IsSuccessStatusCode
                ? new SendResult(true, status, latency, null, snippet)
                : new SendResult(false, status, latency, $"The endpoint answered {status}.", snippet);
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundUrlRefusedException refused)
        {
            return new SendResult(false, null, Elapsed(watch), refused.Message, null, Permanent: true);
        }
        catch (HttpRequestException e)
        {
            return new SendResult(false, null, Elapsed(watch), "Connection failed: " + e.Message, null);
        }
        catch (TimeoutRejectedException)
        {
            return new SendResult(false, null, Elapsed(watch), "The endpoint did not answer in time.", null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult(false, null, Elapsed(watch), "The endpoint did not answer in time.", null);
        }
    }

    private static int Elapsed(Stopwatch watch) => (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);

    // Only the start of the answer is kept (to show why it refused); the rest is not read.
    private static async Task<string?> SnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[SnippetBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
            {
                read += n;
            }

            return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return null;
        }
    }
}
