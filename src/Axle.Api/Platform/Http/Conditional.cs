using System.Buffers.Binary;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Primitives;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Strong entity tags (RFC 9110 §8.8.3). Project rule: a strong ETag is the quoted base64url of the row version;
/// lists and composite resources hash what identifies their content with <see cref="ETagHasher"/>.
/// </summary>
public static class ETags
{
    /// <summary><c>"AAAAAAAAAAc"</c> for version 7: the 8 big-endian bytes of the version, base64url, quoted.</summary>
    public static string From(long version)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, version);
        return From(bytes);
    }

    /// <summary>Opaque bytes (a hash, a database rowversion) as a strong ETag.</summary>
    public static string From(ReadOnlySpan<byte> bytes) => "\"" + Base64UrlEncode(bytes) + "\"";

    /// <summary>A strong ETag for a representation's exact bytes (truncated SHA-256).</summary>
    public static string FromContent(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return From(hash[..ETagHasher.Length]);
    }

    private static string Base64UrlEncode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// Builds a strong ETag for a list page or composite resource from the ids and versions it contains:
/// <c>using var h = new ETagHasher(); foreach (var p in page) h.Add(p.Id).Add(p.Version); h.Add(nextCursor); h.ToETag()</c>.
/// Every value is length- or type-delimited, so ("ab","c") and ("a","bc") differ.
/// </summary>
public sealed class ETagHasher : IDisposable
{
    internal const int Length = 16;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public ETagHasher Add(long value)
    {
        Span<byte> bytes = stackalloc byte[1 + sizeof(long)];
        bytes[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], value);
        _hash.AppendData(bytes);
        return this;
    }

    public ETagHasher Add(Guid value)
    {
        Span<byte> bytes = stackalloc byte[17];
        bytes[0] = 2;
        value.TryWriteBytes(bytes[1..], bigEndian: true, out _);
        _hash.AppendData(bytes);
        return this;
    }

    public ETagHasher Add(string? value)
    {
        if (value is null)
        {
            _hash.AppendData([0]);
            return this;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> header = stackalloc byte[1 + sizeof(int)];
        header[0] = 3;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], bytes.Length);
        _hash.AppendData(header);
        _hash.AppendData(bytes);
        return this;
    }

    public string ToETag()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        _hash.GetCurrentHash(hash);
        return ETags.From(hash[..Length]);
    }

    public void Dispose() => _hash.Dispose();
}

/// <summary>
/// Conditional requests (RFC 9110 §13, RFC 6585 §3) for minimal-API handlers. Run the normal checks first (400, 401,
/// 403, 404 win over preconditions), then:
/// <code>
/// // GET: sets ETag, answers 304 when If-None-Match matches
/// if (Conditional.CheckIfNoneMatch(http, etag) is { } notModified) return notModified;
/// // PUT/PATCH/DELETE: 412 on a stale If-Match, 428 when it is required and missing
/// if (Conditional.CheckIfMatch(http, etag, required: true) is { } failure) return failure;
/// </code>
/// Last-Modified validators are not used: every resource has a version, so ETags are always the stronger choice.
/// </summary>
public static class Conditional
{
    /// <summary>
    /// For GET/HEAD: sets <c>ETag</c> on the response and returns a 304 result when <c>If-None-Match</c> matches it
    /// (weak comparison, <c>*</c>, lists). Returns null when the handler should send the full response.
    /// An unparseable <c>If-None-Match</c> is ignored.
    /// </summary>
    public static NotModifiedResult? CheckIfNoneMatch(HttpContext http, string currentETag)
    {
        SetETag(http, currentETag);
        var header = http.Request.Headers.IfNoneMatch;
        return header.Count > 0 && !IfNoneMatchPasses(header, currentETag) ? new NotModifiedResult(currentETag) : null;
    }

    /// <summary>
    /// For state-changing requests: evaluates <c>If-Match</c> (strong comparison, <c>*</c>, lists) and then
    /// <c>If-None-Match</c> (weak comparison), in RFC 9110 §13.2.2 order. <paramref name="currentETag"/> is null when the
    /// resource does not exist (a create by PUT). Returns 412 <c>precondition_failed</c> when a condition is false,
    /// 428 <c>precondition_required</c> when <paramref name="required"/> and <c>If-Match</c> is missing, else null.
    /// </summary>
    public static ProblemHttpResult? CheckIfMatch(HttpContext http, string? currentETag, bool required = false)
    {
        var headers = http.Request.Headers;
        if (headers.IfMatch.Count > 0)
        {
            if (!IfMatchPasses(headers.IfMatch, currentETag))
            {
                return PreconditionFailed("If-Match");
            }
        }
        else if (required)
        {
            return PreconditionRequired();
        }

        if (headers.IfNoneMatch.Count > 0 && !IfNoneMatchPasses(headers.IfNoneMatch, currentETag))
        {
            return PreconditionFailed("If-None-Match");
        }

        return null;
    }

    /// <summary><see cref="CheckIfMatch"/> with <c>required: true</c> — the project rule for parts, stock, warehouses and carts.</summary>
    public static ProblemHttpResult? RequireIfMatch(HttpContext http, string? currentETag) =>
        CheckIfMatch(http, currentETag, required: true);

    public static void SetETag(HttpContext http, string etag) => http.Response.Headers.ETag = etag;

    /// <summary>
    /// True when <c>If-Match</c> allows the request: <c>*</c> and the resource exists, or a listed tag strongly equals
    /// the current one. Weak tags never match; an unparseable header never matches (the safe outcome for a write).
    /// </summary>
    public static bool IfMatchPasses(StringValues ifMatch, string? currentETag)
    {
        if (!TryParse(ifMatch, out var any, out var tags))
        {
            return false;
        }

        if (currentETag is null || !TryParseTag(currentETag, out var current))
        {
            return false;
        }

        return any || tags.Exists(t => !t.Weak && !current.Weak && t.Opaque == current.Opaque);
    }

    /// <summary>
    /// True when <c>If-None-Match</c> allows the request, i.e. no listed tag weakly equals the current one
    /// (and not <c>*</c> while the resource exists). An unparseable header is ignored (passes).
    /// </summary>
    public static bool IfNoneMatchPasses(StringValues ifNoneMatch, string? currentETag)
    {
        if (!TryParse(ifNoneMatch, out var any, out var tags))
        {
            return true;
        }

        if (currentETag is null)
        {
            return true;
        }

        if (any)
        {
            return false;
        }

        return !TryParseTag(currentETag, out var current) || !tags.Exists(t => t.Opaque == current.Opaque);
    }

    internal readonly record struct EntityTag(bool Weak, string Opaque);

    /// <summary>Parses <c>"*" / #entity-tag</c> across all header fields. <c>*</c> mixed with tags is invalid.</summary>
    internal static bool TryParse(StringValues values, out bool any, out List<EntityTag> tags)
    {
        any = false;
        tags = [];
        foreach (var value in values)
        {
            var s = value.AsSpan();
            var i = 0;
            while (i < s.Length)
            {
                var c = s[i];
                if (c is ' ' or '\t' or ',')
                {
                    i++;
                    continue;
                }

                if (c == '*')
                {
                    any = true;
                    i++;
                }
                else if (ReadTag(s, ref i) is { } tag)
                {
                    tags.Add(tag);
                }
                else
                {
                    return false;
                }

                // After an element: only whitespace up to the next comma.
                while (i < s.Length && s[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < s.Length && s[i] != ',')
                {
                    return false;
                }
            }
        }

        return (any || tags.Count > 0) && !(any && tags.Count > 0);
    }

    private static bool TryParseTag(string value, out EntityTag tag)
    {
        var i = 0;
        var span = value.AsSpan().Trim();
        tag = ReadTag(span, ref i) ?? default;
        return tag.Opaque is not null && i == span.Length;
    }

    private static EntityTag? ReadTag(ReadOnlySpan<char> s, ref int i)
    {
        var weak = false;
        if (s[i..].StartsWith("W/", StringComparison.Ordinal))
        {
            weak = true;
            i += 2;
        }

        if (i >= s.Length || s[i] != '"')
        {
            return null;
        }

        var start = ++i;
        while (i < s.Length && s[i] != '"')
        {
            // etagc = %x21 / %x23-7E / obs-text
            if (s[i] is < '!' or '\x7f')
            {
                return null;
            }

            i++;
        }

        if (i >= s.Length)
        {
            return null;
        }

        var opaque = s[start..i].ToString();
        i++;
        return new EntityTag(weak, opaque);
    }

    private static ProblemHttpResult PreconditionFailed(string header) =>
        Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
            $"The {header} condition does not hold: the resource has changed. GET it again for the current ETag and retry.");

    private static ProblemHttpResult PreconditionRequired() =>
        Problems.Create(StatusCodes.Status428PreconditionRequired, "precondition_required", "Precondition required",
            "This request must be conditional: GET the resource, then resend the request with If-Match set to its ETag.");
}

/// <summary>304 Not Modified: no body, the ETag that a 200 would carry.</summary>
public sealed class NotModifiedResult(string etag) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public string ETag { get; } = etag;

    public int? StatusCode => StatusCodes.Status304NotModified;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
        httpContext.Response.Headers.ETag = ETag;
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
}
