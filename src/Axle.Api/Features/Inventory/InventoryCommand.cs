using System.Text.Json;

namespace Axle.Api.Features.Inventory;

/// <summary><c>dotnet run --project src/Axle.Api -- verify-stock</c>: reconcile every level with its ledger and print the report.</summary>
public static class InventoryCommand
{
    public const string Name = "verify-stock";
    public const int ExitConsistent = 0;
    public const int ExitDrift = 4;

    /// <summary>Prints the report as JSON to <paramref name="output"/>; returns 0 when consistent, 4 on drift.</summary>
    public static async Task<int> VerifyStockAsync(this IServiceProvider services, TextWriter output, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<StockReconciliation>().RunAsync(ct);
        await output.WriteLineAsync(JsonSerializer.Serialize(report, JsonSerializerOptions.Web).AsMemory(), ct);
        return report.Consistent ? ExitConsistent : ExitDrift;
    }
}
