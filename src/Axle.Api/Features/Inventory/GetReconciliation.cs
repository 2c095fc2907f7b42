using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/inventory/reconciliation</c>: the ledger check as a report; drift is an answer, not an error.</summary>
internal static class GetReconciliation
{
    public static async Task<Ok<ReconciliationReport>> Handle(StockReconciliation reconciliation, CancellationToken ct) =>
        TypedResults.Ok(await reconciliation.RunAsync(ct));
}
