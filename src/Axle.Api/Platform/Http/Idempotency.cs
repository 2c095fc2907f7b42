using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Axle.Api.Platform.Http;

/// <summary>Endpoint metadata: the endpoint honours <c>Idempotency-Key</c>, and whether it insists on one.</summary>
public sealed record IdempotencyMetadata(bool Required);

public static class IdempotencyEndpointExtensions
{
    /// <summary>
    /// Makes a POST/PATCH endpoint honour <c>Idempotency-Key</c> (STANDARDS.md §2): a retry with the same key and body
    /// replays the stored response with <c>Idempotent-Replayed: true</c>; the same key with another body → 422
    /// <c>idempotency_key_reused</c>; the same key while the first request runs → 409 <c>idempotency_key_in_use</c>.
    /// With <paramref name="required"/> a request without the header → 400 <c>idempotency_key_required</c>.
    /// Keys are scoped to the caller, method and route template and kept for 24 hours.
    /// Anonymous callers: the key is checked for syntax but not stored, so nothing is replayed for them (an anonymous
    /// key would be shared by every anonymous caller). Put idempotent endpoints behind authorization.
    /// </summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder, bool required = false)
    {
        builder.WithMetadata(new IdempotencyMetadata(required));
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var filter = ActivatorUtilities.CreateInstance<IdempotencyFilter>(context.ApplicationServices, required);
            return invocation => filter.InvokeAsync(invocation, next);
        });

        // The fingerprint needs the raw body after model binding has read it, so buffering starts before binding:
        // a "finally" convention wraps the request delegate that the framework built for the handler.
        builder.Finally(endpoint =>
        {
            var inner = endpoint.RequestDelegate
                ?? throw new InvalidOperationException("WithIdempotency needs an endpoint with a request delegate.");
            endpoint.RequestDelegate = context =>
            {
                context.Request.EnableBuffering();
                return inner(context);
            };
        });

        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKeyHeader.Name,
                In = ParameterLocation.Header,
                Required = required,
                Description = "Unique value per logical operation (e.g. a UUID), reused on retries. Kept for 24 hours; " +
                    "a retry with the same key and body replays the stored response (header Idempotent-Replayed: true), " +
                    "a different body → 422, a retry while the first request runs → 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyRecord.MaxKeyLength },
            });
            return Task.CompletedTask;
        });
        return builder;
    }
}

/// <summary>
/// The claim a request runs under (a request feature while the handler runs). The stored response is written after the
/// handler commits, so a process that dies in between leaves work done and no answer; the retry, once it takes the claim
/// over, runs the handler again. A handler that creates one thing names it <see cref="DeriveId"/>: the same id on every
/// attempt under this key (a takeover keeps the claim's row), so the retry finds the first attempt's work and answers with
/// it instead of doing it twice.
/// </summary>
public sealed record IdempotencyClaim(string CallerKey, string Key, long RecordId)
{
    /// <summary>A UUID (version 8, RFC 9562) from SHA-256 of the purpose, the caller, the key and the claim's row.</summary>
    public Guid DeriveId(string purpose)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{purpose}\n{CallerKey}\n{Key}\n{RecordId}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>
/// The idempotency endpoint filter. It runs after authentication, authorization, model binding and the validation
/// filter, so requests rejected by those never claim a key and can be retried with the same key. Its own store
/// uses a separate DbContext, so a handler's unit of work is never mixed with the claim.
/// </summary>
/// <remarks>
/// The stored response is written after the handler committed its work, in a separate transaction. If the process dies
/// in between, the claim stays in flight, counts as abandoned after 60 s and a retry runs the handler again; handlers
/// whose effect must not repeat recognise it through <see cref="IdempotencyClaim"/> (checkout does).
/// </remarks>
internal sealed partial class IdempotencyFilter(
    bool required, IServiceScopeFactory scopes, TimeProvider time, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string ReplayedHeader = "Idempotent-Replayed";
    internal static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    internal static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(60);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var header = IdempotencyKeyHeader.Parse(http.Request.Headers[IdempotencyKeyHeader.Name]);
        switch (header.Outcome)
        {
            case IdempotencyKeyHeader.Outcome.Missing when required:
                return Problems.BadRequest("idempotency_key_required",
                    "This operation requires an Idempotency-Key header: a unique value (e.g. a UUID) per operation, " +
                    "sent again unchanged when the request is retried.");
            case IdempotencyKeyHeader.Outcome.Missing:
                return await next(invocation);
            case IdempotencyKeyHeader.Outcome.Invalid:
                return Problems.BadRequest("idempotency_key_invalid", header.Error!);
        }

        if (http.User.CallerKey() is not { } caller)
        {
            LogAnonymousKeyIgnored(logger, http.Request.Method, http.Request.Path);
            return await next(invocation);
        }

        var ct = http.RequestAborted;
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "/";
        var scope = new IdempotencyScope(caller, http.Request.Method, route, header.Key!);
        var fingerprint = await FingerprintAsync(http.Request, ct);

        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<AppDbContext>();
        var claim = await ClaimAsync(db, scope, fingerprint, ct);
        switch (claim)
        {
            case ClaimResult.Replay replay:
                return new StoredResponseResult(replay.Record);
            case ClaimResult.InUse:
                http.Response.Headers.RetryAfter = "1";
                return Problems.Conflict("idempotency_key_in_use", "Idempotency key in use",
                    "A request with this Idempotency-Key is still being processed. Retry it unchanged in a moment.");
            case ClaimResult.Reused:
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
                    "Idempotency key reused",
                    "This Idempotency-Key was already used with a different request. Use a new key for a new operation.");
        }

        var claimed = (ClaimResult.Claimed)claim;
        http.Features.Set(new IdempotencyClaim(scope.CallerKey, scope.Key, claimed.Id));
        byte[] body;
        try
        {
            var result = await next(invocation);
            body = await ExecuteIntoBufferAsync(http, AsResult(result));
        }
        catch
        {
            // The handler failed: forget the claim so that a retry with the same key can run.
            await ReleaseAsync(db, claimed, CancellationToken.None);
            throw;
        }

        var status = http.Response.StatusCode;
        if (status >= 500)
        {
            await ReleaseAsync(db, claimed, CancellationToken.None);
        }
        else
        {
            var headers = http.Response.Headers;
            var stored = await RawSql.ExecuteAsync(db, StoreSql, CancellationToken.None,
                ("@id", claimed.Id), ("@token", claimed.Token), ("@status", status), ("@body", body),
                ("@contentType", Header(headers, HeaderNames.ContentType)), ("@location", Header(headers, HeaderNames.Location)),
                ("@etag", Header(headers, HeaderNames.ETag)), ("@now", time.GetUtcNow().UtcDateTime));
            if (stored == 0)
            {
                LogClaimLost(logger, scope.Method, scope.Route);
            }
        }

        return new BufferedBodyResult(body);
    }

    /// <summary>
    /// Claims the key in one statement on both databases: the insert that the unique scope index lets only one request
    /// make. Only a request that finds the key taken reads the row (replay, in use, reused, or take over).
    /// </summary>
    internal const string ClaimSql = """
        INSERT INTO idempotency_keys ("CallerKey", "Method", "Route", "Key", "Fingerprint", "ClaimToken", "ClaimedAt", "ExpiresAt")
        VALUES (@caller, @method, @route, @key, @fingerprint, @token, @now, @expires)
        ON CONFLICT ("CallerKey", "Method", "Route", "Key") DO NOTHING
        RETURNING "Id"
        """;

    /// <summary>Stores the response of the claim still held (the token matches); a lost claim changes nothing.</summary>
    internal const string StoreSql = """
        UPDATE idempotency_keys
        SET "ResponseStatus" = @status, "ResponseBody" = @body, "ResponseContentType" = @contentType, "ResponseLocation" = @location,
            "ResponseETag" = @etag, "CompletedAt" = @now
        WHERE "Id" = @id AND "ClaimToken" = @token
        """;

    private async Task<ClaimResult> ClaimAsync(AppDbContext db, IdempotencyScope scope, string fingerprint, CancellationToken ct)
    {
        var records = db.Set<IdempotencyRecord>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var token = Guid.NewGuid();
            var inserted = await RawSql.QueryAsync(db, ClaimSql, r => r.GetInt64(0), ct,
                ("@caller", scope.CallerKey), ("@method", scope.Method), ("@route", scope.Route), ("@key", scope.Key),
                ("@fingerprint", fingerprint), ("@token", token), ("@now", now), ("@expires", now + Retention));
            if (inserted is [var id])
            {
                return new ClaimResult.Claimed(id, token);
            }

            var existing = await records.AsNoTracking()
                .Where(r => r.CallerKey == scope.CallerKey && r.Method == scope.Method && r.Route == scope.Route && r.Key == scope.Key)
                .SingleOrDefaultAsync(ct);
            if (existing is null)
            {
                // Purged between our insert and read: claim again.
                continue;
            }

            var expired = existing.ExpiresAt <= now;
            if (!expired)
            {
                if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal))
                {
                    return new ClaimResult.Reused();
                }

                if (existing.ResponseStatus is not null)
                {
                    return new ClaimResult.Replay(existing);
                }

                if (existing.ClaimedAt > now - AbandonedAfter)
                {
                    return new ClaimResult.InUse();
                }

                LogAbandonedTakenOver(logger, scope.Method, scope.Route);
            }

            // Expired or abandoned: take the row over, unless someone else does it first.
            var previousToken = existing.ClaimToken;
            var taken = await records
                .Where(r => r.Id == existing.Id && r.ClaimToken == previousToken)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Fingerprint, fingerprint)
                    .SetProperty(r => r.ClaimToken, token)
                    .SetProperty(r => r.ClaimedAt, now)
                    .SetProperty(r => r.ExpiresAt, now + Retention)
                    .SetProperty(r => r.CompletedAt, (DateTime?)null)
                    .SetProperty(r => r.ResponseStatus, (int?)null)
                    .SetProperty(r => r.ResponseBody, (byte[]?)null)
                    .SetProperty(r => r.ResponseContentType, (string?)null)
                    .SetProperty(r => r.ResponseLocation, (string?)null)
                    .SetProperty(r => r.ResponseETag, (string?)null), ct);
            if (taken == 1)
            {
                return new ClaimResult.Claimed(existing.Id, token);
            }
        }

        return new ClaimResult.InUse();
    }

    private static Task<int> ReleaseAsync(AppDbContext db, ClaimResult.Claimed claim, CancellationToken ct) =>
        db.Set<IdempotencyRecord>().Where(r => r.Id == claim.Id && r.ClaimToken == claim.Token).ExecuteDeleteAsync(ct);

    /// <summary>SHA-256 over method, path with query, and the raw body bytes as received.</summary>
    internal static async Task<string> FingerprintAsync(HttpRequest request, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.PathBase}{request.Path}{request.QueryString}\n"));
        var body = request.Body;
        if (!body.CanSeek)
        {
            throw new InvalidOperationException("The request body is not buffered; map the endpoint with WithIdempotency().");
        }

        body.Position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            body.Position = 0;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>What the framework would do with a handler's return value, as an <see cref="IResult"/>.</summary>
    private static IResult AsResult(object? value) => value switch
    {
        IResult result => result,
        null => Results.Empty,
        string text => TypedResults.Text(text),
        _ => TypedResults.Json<object>(value),
    };

    /// <summary>Runs the result with the response body redirected into memory; status and headers land on the real response.</summary>
    private static async Task<byte[]> ExecuteIntoBufferAsync(HttpContext http, IResult result)
    {
        var original = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        var capture = new StreamResponseBodyFeature(buffer, original);
        http.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await result.ExecuteAsync(http);
            await capture.CompleteAsync();
        }
        finally
        {
            http.Features.Set(original);
        }

        return buffer.ToArray();
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    private abstract record ClaimResult
    {
        public sealed record Claimed(long Id, Guid Token) : ClaimResult;
        public sealed record Replay(IdempotencyRecord Record) : ClaimResult;
        public sealed record InUse : ClaimResult;
        public sealed record Reused : ClaimResult;
    }

    /// <summary>The first response: status and headers are already set, only the captured body is written.</summary>
    private sealed class BufferedBodyResult(byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            body.Length == 0 ? Task.CompletedTask : httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    /// <summary>A replay: the stored status, the headers that matter to clients and the stored body.</summary>
    private sealed class StoredResponseResult(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = record.ResponseStatus ?? StatusCodes.Status200OK;
            if (record.ResponseContentType is { } contentType)
            {
                response.ContentType = contentType;
            }

            if (record.ResponseLocation is { } location)
            {
                response.Headers.Location = location;
            }

            if (record.ResponseETag is { } etag)
            {
                response.Headers.ETag = etag;
            }

            response.Headers[ReplayedHeader] = "true";
            if (record.ResponseBody is { Length: > 0 } body)
            {
                await response.Body.WriteAsync(body, httpContext.RequestAborted);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idempotency-Key from an anonymous caller ignored on {Method} {Path}")]
    private static partial void LogAnonymousKeyIgnored(ILogger logger, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandoned idempotency claim taken over on {Method} {Route}")]
    private static partial void LogAbandonedTakenOver(ILogger logger, string method, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency claim was taken over before the response was stored on {Method} {Route}")]
    private static partial void LogClaimLost(ILogger logger, string method, string route);
}
