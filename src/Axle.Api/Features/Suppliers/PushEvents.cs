using System.Text.Json;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Messaging;

namespace Axle.Api.Features.Suppliers;

/// <summary>Splits a stored push into its events and maps each with Axle's push format; an event that does not map is a dead letter.</summary>
internal static class PushEvents
{
    public static (List<ApplyItem> Items, List<DeadLetter> Rejected) Map(
        byte[] payload, SupplierMapper standard, ApplyContext context, DateTime now)
    {
        using var document = JsonDocument.Parse(payload);
        if (!document.RootElement.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            return ([], []);
        }

        var records = events.EnumerateArray().Select((e, i) => new RawRecord(e, i));
        return SupplierStockApplier.Map(standard, records, context, 0, now);
    }
}
