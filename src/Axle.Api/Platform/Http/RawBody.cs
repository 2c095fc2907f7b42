namespace Axle.Api.Platform.Http;

/// <summary>Reads a request body as the exact bytes received, for signature checks that must hash them before parsing.</summary>
public static class RawBody
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (reading stops there).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
