namespace Axle.SupplierSim;

/// <summary>The same controls as the C# members of <see cref="SupplierSimulator"/>, over HTTP for the runnable mode.</summary>
internal static class ControlEndpoints
{
    public const string Prefix = "/_sim";

    internal sealed record FaultRequest(
        FaultKind Kind, int Count = 1, string? PathPrefix = null, int StatusCode = 503, int DelayMs = 0, int RetryAfterSeconds = 1,
        FaultField Field = FaultField.QtyAvail);

    internal sealed record FailForRequest(double Seconds, int StatusCode = 503, string? PathPrefix = null);

    internal sealed record RateLimitRequest(int RequestsPerMinute, RateLimitWindow Window = RateLimitWindow.Fixed);

    internal sealed record ChangeRequest(int? Count, double? Fraction);

    internal sealed record SetRequest(int? QtyAvail, int? UnitPrice);

    internal sealed record RejectRequest(int Count = 1, string Reason = "rejected");

    public static void MapControl(this IEndpointRouteBuilder app, SupplierSimulator sim)
    {
        var group = app.MapGroup(Prefix);
        group.MapGet("/stats", () => sim.Stats);
        group.MapPost("/stats/reset", () => { sim.Counters.Reset(); return Results.NoContent(); });

        group.MapPost("/faults", (FaultRequest r) =>
        {
            var fault = r.Kind switch
            {
                FaultKind.Status => Fault.Status(r.StatusCode),
                FaultKind.TooManyRequests => Fault.TooManyRequests(TimeSpan.FromSeconds(r.RetryAfterSeconds)),
                FaultKind.Delay => Fault.Slow(TimeSpan.FromMilliseconds(r.DelayMs)),
                FaultKind.MissingFields => Fault.MissingFields(r.Field),
                _ => new Fault(r.Kind) { StatusCode = r.Kind == FaultKind.ExpiredCursor ? 410 : 0 },
            };
            sim.Faults.Enqueue(fault, Math.Max(1, r.Count), r.PathPrefix);
            return Results.Json(new { pending = sim.Faults.Pending }, statusCode: 201);
        });
        group.MapPost("/faults/fail-for", (FailForRequest r) =>
        {
            sim.Faults.FailFor(TimeSpan.FromSeconds(r.Seconds), r.StatusCode, r.PathPrefix);
            return Results.NoContent();
        });
        group.MapDelete("/faults", () => { sim.Faults.Clear(); return Results.NoContent(); });

        group.MapPost("/cursors/expire", () => { sim.ExpireCursors(); return Results.NoContent(); });
        group.MapPost("/tokens/revoke", () => { sim.RevokeTokens(); return Results.NoContent(); });
        group.MapPut("/rate-limit", (RateLimitRequest r) =>
        {
            sim.SetRateLimit(r.RequestsPerMinute, r.Window);
            return Results.NoContent();
        });

        group.MapGet("/data", () => new
        {
            count = sim.Catalog.Count,
            version = sim.Catalog.Version,
            lastSequence = sim.Catalog.LastSequence,
            lastModified = sim.Catalog.LastModified,
        });
        group.MapPost("/data/change", (ChangeRequest r) =>
            r switch
            {
                { Count: { } count } when count >= 0 => Results.Ok(sim.Catalog.ChangeRandom(count)),
                { Fraction: { } f } when f is >= 0 and <= 1 => Results.Ok(sim.Catalog.ChangeFraction(f)),
                _ => Results.Json(new { error = "count_or_fraction_required" }, statusCode: 400),
            });
        group.MapGet("/data/records/{partNo}", (string partNo) =>
            sim.Catalog.Get(partNo) is { } record ? Results.Ok(record) : Results.NotFound());
        group.MapPut("/data/records/{partNo}", (string partNo, SetRequest r) =>
        {
            if (sim.Catalog.Get(partNo) is null)
            {
                return Results.NotFound();
            }

            return r.QtyAvail < 0 || r.UnitPrice < 0
                ? Results.Json(new { error = "negative_value" }, statusCode: 400)
                : Results.Ok(sim.Catalog.Set(partNo, r.QtyAvail, r.UnitPrice));
        });
        group.MapPost("/data/records", (NewStockRecord r) =>
        {
            try
            {
                return Results.Json(sim.Catalog.Add(r), statusCode: 201);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return Results.Json(new { error = "invalid_record", detail = e.Message }, statusCode: 400);
            }
        });
        group.MapDelete("/data/records/{partNo}", (string partNo) =>
            sim.Catalog.Remove(partNo) ? Results.NoContent() : Results.NotFound());

        group.MapGet("/orders", () => sim.Orders.Received);
        group.MapPost("/orders/reject", (RejectRequest r) =>
        {
            sim.Orders.RejectNext(Math.Max(1, r.Count), r.Reason);
            return Results.NoContent();
        });
        group.MapDelete("/orders/reject", () => { sim.Orders.AcceptAll(); return Results.NoContent(); });
        group.MapDelete("/orders", () => { sim.Orders.Clear(); return Results.NoContent(); });

        group.MapPost("/push", async (PushOptions options, CancellationToken ct) => Results.Ok(await sim.PushAsync(options, ct)));
    }
}
