using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Expected failures as values: RFC 9457 problem details with a stable <c>code</c> extension. The <c>type</c> URI is
/// derived from the code, so a code names one problem type everywhere.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://axle.example/problems/";

    /// <summary>
    /// Messages a validation problem lists per field at most (<see cref="NormalizeValidation"/> keeps the first ones). Axle's
    /// validators give one or two per field; the cap makes the document's <c>maxItems</c> true whatever produced the problem.
    /// </summary>
    public const int MaxMessagesPerField = 10;

    public static ProblemHttpResult Create(
        int status, string code, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeBase + code.Replace('_', '-'),
            Title = title,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult BadRequest(string code, string detail) =>
        Create(StatusCodes.Status400BadRequest, code, "Bad request", detail);

    public static ProblemHttpResult NotFound(string detail = "The resource does not exist.") =>
        Create(StatusCodes.Status404NotFound, "not_found", "Not found", detail);

    public static ProblemHttpResult Conflict(string code, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, code, title, detail, extensions);

    public static ProblemHttpResult Unauthorized(string detail = "Valid credentials are required.") =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", detail);

    public static ProblemHttpResult Forbidden(string detail = "You are not allowed to do this.") =>
        Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", detail);

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors,
            detail: detail,
            type: TypeBase + "validation-failed",
            title: "One or more validation errors occurred.",
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// Makes a validation problem look the same wherever it was produced (the framework's validation filter, a handler):
    /// field keys in the JSON (camelCase) names clients send (<c>Items[0].Quantity</c> → <c>items[0].quantity</c>),
    /// the project's <c>validation-failed</c> type instead of the generic RFC 9110 link, and at most
    /// <see cref="MaxMessagesPerField"/> messages per field. Every problem is written through the problem details service,
    /// whose customization calls this (HttpSetup), so no validation answer escapes it.
    /// </summary>
    public static void NormalizeValidation(HttpValidationProblemDetails problem)
    {
        if (problem.Status is null or StatusCodes.Status400BadRequest
            && (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/html/rfc9110", StringComparison.Ordinal)))
        {
            problem.Type = TypeBase + "validation-failed";
        }

        if (problem.Errors.Count == 0
            || problem.Errors.All(e => JsonFieldName(e.Key) == e.Key && e.Value.Length <= MaxMessagesPerField))
        {
            return;
        }

        var errors = problem.Errors.ToList();
        problem.Errors.Clear();
        foreach (var (key, messages) in errors)
        {
            var name = JsonFieldName(key);
            problem.Errors[name] = problem.Errors.TryGetValue(name, out var existing) ? [.. existing, .. messages] : messages;
        }

        foreach (var (name, messages) in problem.Errors.Where(e => e.Value.Length > MaxMessagesPerField).ToList())
        {
            problem.Errors[name] = messages[..MaxMessagesPerField];
        }
    }

    /// <summary>camelCases each member of a dotted/indexed path; empty keys (whole-body errors) stay empty.</summary>
    internal static string JsonFieldName(string key)
    {
        if (key.Length == 0)
        {
            return key;
        }

        var parts = key.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var member = bracket < 0 ? part : part[..bracket];
            parts[i] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member) + (bracket < 0 ? "" : part[bracket..]);
        }

        return string.Join('.', parts);
    }

    /// <summary>A stable code for statuses that the framework produces without one (empty 401, 404, 405 ...).</summary>
    public static string DefaultCode(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        402 => "payment_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        409 => "conflict",
        412 => "precondition_failed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_content",
        423 => "locked",
        428 => "precondition_required",
        429 => "rate_limited",
        503 => "service_unavailable",
        >= 500 => "internal_error",
        _ => "error",
    };
}
