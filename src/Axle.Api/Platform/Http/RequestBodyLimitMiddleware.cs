using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Enforces <see cref="HttpLimitsOptions.MaxRequestBodyBytes"/> on every server, not only Kestrel: a declared
/// Content-Length over the limit is refused before the body is read, and a chunked body is cut off when it passes it.
/// An endpoint can carry its own limit (<see cref="IRequestSizeLimitMetadata"/>, e.g. catalog imports take files up to
/// 1 GiB); the middleware runs after routing so it can see it, and sets Kestrel's per-request limit to the same value.
/// It also holds every query value and path segment to <see cref="MaxParameterLength"/> characters, and every string in a
/// JSON body (member names, values, array items) to <see cref="MaxJsonStringLength"/> (OWASP API4: 400 otherwise, before
/// any handler runs): the <c>maxLength</c> the OpenAPI document gives strings without a narrower limit of their own.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<HttpLimitsOptions> options)
{
    public const int MaxParameterLength = 1024;
    public const int MaxJsonStringLength = 4096;

    private readonly long _default = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (OverlongParameter(context.Request) is { } name)
        {
            await Problems.BadRequest("parameter_too_long",
                $"The {name} is longer than {MaxParameterLength} characters, the most any parameter may have.").ExecuteAsync(context);
            return;
        }

        var limit = LimitBody(context);
        if (limit <= _default && IsJson(context.Request) && await OverlongJsonStringAsync(context.Request, context.RequestAborted) is { } member)
        {
            await Problems.BadRequest("string_too_long",
                $"The string {member} is longer than {MaxJsonStringLength} characters, the most any body member may have.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>Sets this request's body limit and answers it (null: unlimited).</summary>
    private long? LimitBody(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } endpointLimit
            ? endpointLimit.MaxRequestBodySize
            : _default;
        if (limit is not { } limitBytes)
        {
            var unlimited = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (unlimited is { IsReadOnly: false })
            {
                unlimited.MaxRequestBodySize = null;
            }

            return null;
        }

        if (context.Request.ContentLength is { } length && length > limitBytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limitBytes;
        }
        else if (context.Request.ContentLength is null && context.Request.Body.CanRead)
        {
            context.Request.Body = new LimitedReadStream(context.Request.Body, limitBytes);
        }

        return limitBytes;
    }

    private static bool IsJson(HttpRequest request) => request.HasJsonContentType() && request.ContentLength is null or > 0;

    /// <summary>Reads a JSON body (within the default size limit) once, keeps it for the endpoint, and names any string that is too long.</summary>
    private static async Task<string?> OverlongJsonStringAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        request.Body.Position = 0;
        return OverlongJsonString(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    internal static string? OverlongJsonString(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        // The last member name, as a copy of the reader standing on it: decoded only when a string under it is too long,
        // so scanning allocates nothing per member.
        var lastName = default(Utf8JsonReader);
        var named = false;
        try
        {
            while (reader.Read())
            {
                // UTF-8 never takes fewer bytes than UTF-16 takes chars, and escapes only add bytes: short spans are safe.
                // (One span in, so ValueSpan is the whole token.)
                var tooLong = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                    && reader.ValueSpan.Length > MaxJsonStringLength && reader.GetString()!.Length > MaxJsonStringLength;
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (tooLong)
                    {
                        return "naming a member";
                    }

                    lastName = reader;
                    named = true;
                }
                else if (tooLong)
                {
                    return named ? $"in '{lastName.GetString()}'" : "at the top level";
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is the endpoint's to answer (400 malformed_json), with its position.
        }

        return null;
    }

    private static string? OverlongParameter(HttpRequest request)
    {
        // Runs on every request: plain loops, no LINQ over the (boxed) StringValues.
        foreach (var (key, values) in request.Query)
        {
            var tooLong = key.Length > MaxParameterLength;
            foreach (var value in values)
            {
                tooLong |= value is { Length: > MaxParameterLength };
            }

            if (tooLong)
            {
                return $"query parameter '{(key.Length > 64 ? key[..64] + "…" : key)}'";
            }
        }

        var path = request.Path.Value ?? "";
        return path.Length > MaxParameterLength && path.Split('/').Any(segment => segment.Length > MaxParameterLength)
            ? "path segment"
            : null;
    }

    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
