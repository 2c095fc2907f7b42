using System.Text;

namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>Bounded reading of untrusted bodies.</summary>
internal static class FeedBody
{
    /// <summary>The whole body, or <see cref="FeedResponseTooLargeException"/> as soon as it passes <paramref name="limit"/>
    /// bytes (after decompression, so a small gzip bomb is caught too).</summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpContent content, long limit, CancellationToken ct)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new FeedResponseTooLargeException(limit);
        }

        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new FeedResponseTooLargeException(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The start of a body as text for a dead letter; never throws.</summary>
    public static async Task<string?> SnippetAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        if (maxBytes <= 0)
        {
            return null;
        }

        try
        {
            await using var stream = await content.ReadAsStreamAsync(ct);
            var buffer = new byte[maxBytes];
            var total = 0;
            int read;
            while (total < maxBytes && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0)
            {
                total += read;
            }

            return Snippet(buffer.AsSpan(0, total), maxBytes);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    public static string Snippet(ReadOnlySpan<byte> bytes, int maxBytes) =>
        Encoding.UTF8.GetString(bytes.Length > maxBytes ? bytes[..maxBytes] : bytes);

    public static string Snippet(string text, int maxChars) => text.Length > maxChars ? text[..maxChars] : text;
}

/// <summary>Passes a stream through, throwing <see cref="FeedResponseTooLargeException"/> once more than the limit was read.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long total;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => total; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private int Count(int read)
    {
        total += read;
        return total > limit ? throw new FeedResponseTooLargeException(limit) : read;
    }
}
