using System.Text.Json;

namespace Axle.Api.Features.Audit;

/// <summary><c>dotnet run --project src/Axle.Api -- verify-audit</c>: chain pending entries, verify, print the report.</summary>
public static class AuditCommand
{
    public const string Name = "verify-audit";
    public const int ExitIntact = 0;
    public const int ExitBroken = 3;

    /// <summary>Prints the report as JSON to <paramref name="output"/>; returns 0 when intact, 3 when broken.</summary>
    public static async Task<int> VerifyAuditAsync(this IServiceProvider services, TextWriter output, CancellationToken ct = default)
    {
        await services.GetRequiredService<AuditChainer>().RunOnceAsync(ct);
        await using var scope = services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(ct);
        await output.WriteLineAsync(JsonSerializer.Serialize(report, JsonSerializerOptions.Web).AsMemory(), ct);
        return report.Intact ? ExitIntact : ExitBroken;
    }
}
