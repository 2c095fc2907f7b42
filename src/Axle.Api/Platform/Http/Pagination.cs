using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Axle.Api.Platform.Http;

/// <summary>One page of a list: <c>{"items": [...], "nextCursor": "..." | null}</c>. A null cursor is the end, nothing else is.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], NextCursor);
}

/// <summary>Keyset position for lists sorted newest first: the last row's time and its unique tie-breaker.</summary>
public readonly record struct SeekKey<TId>(DateTime At, TId Id);

/// <summary>
/// A validated <c>limit</c> and the decoded <c>cursor</c> of one list request. <see cref="After"/> is null on the first page.
/// </summary>
public sealed class PageRequest<TKey>
    where TKey : struct
{
    private readonly CursorCodec _codec;
    private readonly string _purpose;
    private readonly string _fingerprint;

    internal PageRequest(CursorCodec codec, string purpose, string fingerprint, int limit, TKey? after)
    {
        _codec = codec;
        _purpose = purpose;
        _fingerprint = fingerprint;
        Limit = limit;
        After = after;
    }

    public int Limit { get; }

    public TKey? After { get; }

    /// <summary>The cursor of the page that starts after <paramref name="last"/>, bound to this list and filter.</summary>
    public string CursorAfter(TKey last) => _codec.Encode(_purpose, _fingerprint, last);
}

public enum CursorError
{
    None,
    Invalid,
    Expired,
    Mismatch,
}

/// <summary>
/// Opaque, tamper-evident page cursors (STANDARDS.md §6): Data Protection over the keyset position, a fingerprint of the
/// filter and sort, and the issue time. The purpose string (one per list) keeps one list's cursor out of another.
/// A cursor only positions: handlers authorize every page as usual.
/// </summary>
public sealed class CursorCodec(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>Cursors older than this are refused with <c>cursor_expired</c> (AIP-158 suggests about 3 days).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3);

    // Real cursors are a few hundred characters; anything far longer is not worth decrypting.
    private const int MaxCursorLength = 2048;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IDataProtector _root = protection.CreateProtector("Axle.Pagination.Cursor.v1");

    public string Encode<TKey>(string purpose, string fingerprint, TKey after)
    {
        var payload = new CursorPayload<TKey>(after, fingerprint, time.GetUtcNow().ToUnixTimeMilliseconds());
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload, Json);
        return WebEncoders.Base64UrlEncode(_root.CreateProtector(purpose).Protect(bytes));
    }

    public CursorError TryDecode<TKey>(string cursor, string purpose, string fingerprint, out TKey after)
    {
        after = default!;
        CursorPayload<TKey>? payload;
        try
        {
            if (cursor.Length is 0 or > MaxCursorLength)
            {
                return CursorError.Invalid;
            }

            var bytes = _root.CreateProtector(purpose).Unprotect(WebEncoders.Base64UrlDecode(cursor));
            payload = JsonSerializer.Deserialize<CursorPayload<TKey>>(bytes, Json);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or JsonException)
        {
            return CursorError.Invalid;
        }

        if (payload is null || payload.After is null)
        {
            return CursorError.Invalid;
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(payload.IssuedAt);
        if (time.GetUtcNow() - issued > Lifetime)
        {
            return CursorError.Expired;
        }

        if (!string.Equals(payload.Filter, fingerprint, StringComparison.Ordinal))
        {
            return CursorError.Mismatch;
        }

        after = payload.After;
        return CursorError.None;
    }

    /// <summary>
    /// Validates <c>limit</c> and opens <c>cursor</c> for one list request. On failure <paramref name="problem"/> is the
    /// 400 to return: a validation problem for <c>limit</c>, or <c>invalid_cursor</c>, <c>cursor_expired</c>, <c>cursor_mismatch</c>.
    /// </summary>
    /// <param name="purpose">Names the list, e.g. <c>audit-log</c>; a cursor of one list never opens on another.</param>
    /// <param name="fingerprint">From <see cref="Pagination.Fingerprint"/> over the request's filters and sort.</param>
    public bool TryOpen<TKey>(
        string purpose, string fingerprint, string? limit, string? cursor,
        [NotNullWhen(true)] out PageRequest<TKey>? page, [NotNullWhen(false)] out ProblemHttpResult? problem)
        where TKey : struct
    {
        page = null;
        if (!Pagination.TryParseLimit(limit, out var take))
        {
            problem = Pagination.LimitProblem();
            return false;
        }

        TKey? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            var error = TryDecode<TKey>(cursor, purpose, fingerprint, out var position);
            if (error != CursorError.None)
            {
                problem = Pagination.CursorProblem(error);
                return false;
            }

            after = position;
        }

        problem = null;
        page = new PageRequest<TKey>(this, purpose, fingerprint, take, after);
        return true;
    }

    private sealed record CursorPayload<TKey>(
        [property: JsonPropertyName("a")] TKey After,
        [property: JsonPropertyName("f")] string Filter,
        [property: JsonPropertyName("t")] long IssuedAt);
}

/// <summary>
/// Cursor pagination for every list (API.md "General rules", STANDARDS.md §6). Keyset only, never OFFSET.
/// <code>
/// var fingerprint = Pagination.Fingerprint("createdAt desc,id desc", ("status", status));
/// if (!cursors.TryOpen&lt;SeekKey&lt;Guid&gt;&gt;("orders", fingerprint, limit, cursor, out var page, out var problem)) return problem;
/// var result = await db.Set&lt;Order&gt;().AsNoTracking().Where(...)
///     .NewestFirst(o =&gt; o.CreatedAt, o =&gt; o.Id, page.After)
///     .Select(o =&gt; new OrderItem(...))
///     .ToPageAsync(page, o =&gt; new SeekKey&lt;Guid&gt;(o.CreatedAt, o.Id), ct);
/// return http.PageResult(result);
/// </code>
/// </summary>
public static class Pagination
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    public static WebApplicationBuilder AddAxlePagination(this WebApplicationBuilder builder)
    {
        builder.AddAxleDataProtection();
        builder.Services.AddSingleton<CursorCodec>();
        return builder;
    }

    /// <summary>Missing, empty or 0 → 25; above 100 → 100; negative or not a number → false (a 400).</summary>
    public static bool TryParseLimit(string? raw, out int limit)
    {
        limit = DefaultLimit;
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        if (!raw.All(char.IsAsciiDigit))
        {
            return false;
        }

        // All digits but too large for an int is still just "more than the maximum".
        limit = int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed switch
            {
                0 => DefaultLimit,
                > MaxLimit => MaxLimit,
                _ => parsed,
            }
            : MaxLimit;
        return true;
    }

    /// <summary>
    /// A stable hash of a list's sort and filters. Pass normalised values (parsed dates as round-trip strings) so that
    /// equivalent requests agree; a cursor opens only under the fingerprint it was issued with.
    /// </summary>
    public static string Fingerprint(string sort, params ReadOnlySpan<(string Name, string? Value)> filters)
    {
        var text = new StringBuilder(sort);
        foreach (var (name, value) in filters)
        {
            text.Append('\n').Append(name).Append('=');
            text.Append(value is null ? "\0" : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
        }

        return WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
    }

    /// <summary>
    /// Orders by (<paramref name="at"/> desc, <paramref name="id"/> desc) and seeks past <paramref name="after"/>:
    /// <c>WHERE at &lt; @at OR (at = @at AND id &lt; @id)</c>. Index <c>(at, id)</c> to make it cheap.
    /// </summary>
    public static IQueryable<T> NewestFirst<T, TId>(
        this IQueryable<T> query, Expression<Func<T, DateTime>> at, Expression<Func<T, TId>> id, SeekKey<TId>? after)
    {
        if (after is { } key)
        {
            var row = at.Parameters[0];
            var atBody = at.Body;
            var idBody = new ReplaceParameter(id.Parameters[0], row).Visit(id.Body);
            var atValue = Parameter(key.At);
            var idValue = Parameter(key.Id);
            var seek = Expression.OrElse(
                Expression.LessThan(atBody, atValue),
                Expression.AndAlso(Expression.Equal(atBody, atValue), Less(idBody, idValue)));
            query = query.Where(Expression.Lambda<Func<T, bool>>(seek, row));
        }

        return query.OrderByDescending(at).ThenByDescending(id);
    }

    /// <summary>Reads one row more than the limit to learn whether another page exists; issues its cursor if so.</summary>
    public static async Task<Page<T>> ToPageAsync<T, TKey>(
        this IQueryable<T> ordered, PageRequest<TKey> page, Func<T, TKey> keyOf, CancellationToken ct)
        where TKey : struct
    {
        var rows = await ordered.Take(page.Limit + 1).ToListAsync(ct);
        if (rows.Count <= page.Limit)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, page.CursorAfter(keyOf(rows[^1])));
    }

    /// <summary>200 with the page, and <c>Link: &lt;…&gt;; rel="next"</c> (the request's own query with the new cursor) when there is a next page.</summary>
    public static Ok<Page<T>> PageResult<T>(this HttpContext http, Page<T> page)
    {
        http.LinkNext(page.NextCursor);
        return TypedResults.Ok(page);
    }

    /// <summary><c>Link: &lt;…&gt;; rel="next"</c> for a page answered in another shape than <see cref="Page{T}"/>; nothing without a cursor.</summary>
    public static void LinkNext(this HttpContext http, string? cursor)
    {
        if (cursor is not null)
        {
            http.Response.Headers[HeaderNames.Link] = $"<{NextUrl(http.Request, cursor)}>; rel=\"next\"";
        }
    }

    internal static string NextUrl(HttpRequest request, string cursor)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        query["cursor"] = cursor;
        var builder = new QueryBuilder(query.SelectMany(
            pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value ?? string.Empty))));
        return request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + builder.ToQueryString().ToUriComponent();
    }

    internal static ProblemHttpResult LimitProblem() => TypedResults.Problem(new HttpValidationProblemDetails(
        new Dictionary<string, string[]> { ["limit"] = [$"limit must be a whole number from 0 to {MaxLimit} (0 or absent means {DefaultLimit})."] })
    {
        Status = StatusCodes.Status400BadRequest,
        Type = Problems.TypeBase + "validation-failed",
        Title = "One or more validation errors occurred.",
        Extensions = { ["code"] = "validation_failed" },
    });

    internal static ProblemHttpResult CursorProblem(CursorError error) => error switch
    {
        CursorError.Expired => Problems.Create(StatusCodes.Status400BadRequest, "cursor_expired", "Cursor expired",
            "The cursor is older than 3 days. Start again from the first page."),
        CursorError.Mismatch => Problems.Create(StatusCodes.Status400BadRequest, "cursor_mismatch", "Cursor does not match the request",
            "The cursor was issued for other filters or another sort. Repeat the original query, or drop the cursor."),
        _ => Problems.Create(StatusCodes.Status400BadRequest, "invalid_cursor", "Invalid cursor",
            "The cursor is not one this list issued. Use nextCursor exactly as returned."),
    };

    // A captured value, so EF Core sends it as a parameter rather than inlining a constant into the SQL.
    private static MemberExpression Parameter<TValue>(TValue value) =>
        Expression.Property(Expression.Constant(new Box<TValue>(value)), nameof(Box<TValue>.Value));

    // Primitive ids compare with '<'; Guid and string have no operator, so use CompareTo, which EF Core translates.
    private static BinaryExpression Less(Expression left, Expression right) =>
        left.Type.IsPrimitive || left.Type == typeof(decimal)
            ? Expression.LessThan(left, right)
            : Expression.LessThan(
                Expression.Call(
                    left,
                    left.Type.GetMethod(nameof(IComparable<>.CompareTo), [left.Type])
                        ?? throw new NotSupportedException($"Id type {left.Type.Name} is not comparable."),
                    right),
                Expression.Constant(0));

    private sealed record Box<TValue>(TValue Value);

    private sealed class ReplaceParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
