using System.Text.Json;

namespace Axle.Api.Platform.Http;

/// <summary>
/// The .NET 10 validation filter keys errors by C# member path (<c>DefaultShippingAddress.Country</c>); clients send and
/// read camelCase JSON, so every field path is camel-cased per segment (<c>defaultShippingAddress.country</c>).
/// </summary>
internal static class ValidationErrorKeys
{
    public static void CamelCase(HttpValidationProblemDetails problem)
    {
        if (problem.Errors.Keys.All(k => k == Convert(k)))
        {
            return;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, messages) in problem.Errors)
        {
            var name = Convert(key);
            errors[name] = errors.TryGetValue(name, out var existing) ? [.. existing, .. messages] : messages;
        }

        problem.Errors = errors;
    }

    internal static string Convert(string key) =>
        string.Join('.', key.Split('.').Select(segment => JsonNamingPolicy.CamelCase.ConvertName(segment)));
}
