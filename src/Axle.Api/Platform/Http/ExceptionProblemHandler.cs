using System.Text.Json;
using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Axle.Api.Platform.Http;

/// <summary>
/// The one place exceptions become responses. Bad requests detected by the framework (malformed JSON, wrong content
/// type, body too large) become 4xx problems with a safe message; a database that cannot be reached (down, restarting,
/// connections refused or timing out, pool exhausted) is a 503 with Retry-After, since the same request will work once it
/// is back; anything else is a bug and becomes a bare 500.
/// Exception messages never reach the client: they can carry type names, SQL or paths.
/// </summary>
internal sealed partial class ExceptionProblemHandler(
    IProblemDetailsService problemDetails, ILogger<ExceptionProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, code, title, detail) = Classify(exception);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            // Expected while the database is away; one line per request, not a stack trace each.
            LogDatabaseUnavailable(logger, context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status >= 500)
        {
            LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
        }
        else
        {
            LogBadRequest(logger, status, code, context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = Problems.TypeBase + code.Replace('_', '-'),
        };
        problem.Extensions["code"] = code;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    internal static (int Status, string Code, string Title, string Detail) Classify(Exception exception)
    {
        var json = FindInner<JsonException>(exception);
        if (json is not null)
        {
            var where = json.Path is { Length: > 0 } path ? $" at '{path}'" : string.Empty;
            var line = json.LineNumber is { } l ? $" (line {l + 1})" : string.Empty;
            return (400, "malformed_json", "Malformed JSON",
                $"The request body is not valid JSON for this operation{where}{line}. Check syntax, field names and value types.");
        }

        // The form reader refuses what it cannot decode (an encoded NUL, too many or too long fields) with this type.
        if (FindInner<InvalidDataException>(exception) is { Source: "Microsoft.AspNetCore.WebUtilities" or "Microsoft.AspNetCore.Http" })
        {
            return (400, "malformed_form", "Malformed form", "The form body could not be read. Check its encoding and size.");
        }

        if (DbErrors.IsUnstorableText(exception))
        {
            return (400, "invalid_text", "Invalid text", "A value contains a NUL character (U+0000), which text fields cannot hold.");
        }

        if (exception is BadHttpRequestException bad)
        {
            return bad.StatusCode switch
            {
                413 => (413, "payload_too_large", "Payload too large", "The request body exceeds the size limit."),
                415 => (415, "unsupported_media_type", "Unsupported media type",
                    "Send the body as application/json."),
                _ when bad.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) || bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) =>
                    (400, "malformed_json", "Malformed JSON", "The request body is missing or is not valid JSON for this operation."),
                _ => (bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, "bad_request", "Bad request",
                    "The request could not be understood. Check the parameters and their formats."),
            };
        }

        if (IsDatabaseUnavailable(exception))
        {
            return (503, "database_unavailable", "Service unavailable",
                $"The service cannot reach its database at the moment. Retry in {RetryAfterSeconds} seconds.");
        }

        if (exception is OperationCanceledException)
        {
            return (499, "client_closed_request", "Client closed request", "The request was cancelled.");
        }

        return (500, "internal_error", "Internal server error",
            "An unexpected error occurred. Quote the traceId when reporting it.");
    }

    /// <summary>Seconds a client is asked to wait when the database is unavailable.</summary>
    internal const int RetryAfterSeconds = 5;

    /// <summary>
    /// True when the exception (or one it wraps) says the database could not be reached or used for now, rather than
    /// that the request or the code is wrong: a transient provider error (Npgsql marks connection failures, server
    /// shutdowns and timeouts so), a socket or timeout failure underneath a provider error, or a PostgreSQL error of the
    /// connection class (08), operator intervention (57P01–57P03) or too many connections (53300). Constraint violations and
    /// other SQL errors stay 500s: retrying them would not help.
    /// </summary>
    internal static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Npgsql.PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case System.Data.Common.DbException { IsTransient: true }:
                    return true;
                case System.Data.Common.DbException db when db.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    private static T? FindInner<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable on {Method} {Path}: {ExceptionType}: {Reason}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string method, string path, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected request {Status} {Code} on {Method} {Path}")]
    private static partial void LogBadRequest(ILogger logger, int status, string code, string method, string path);
}
