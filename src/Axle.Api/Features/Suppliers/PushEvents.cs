using System.Text.Json;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Messaging;

namespace Axle.Api.Features.Suppliers;

/// <summary>Splits a stored push into its events and maps each with Axle's push format; an event that does not map is a dead letter.</summary>
internal static class PushEvents
{
    public static (List<ApplyItem> Items, List<DeadLetter> Rejected) Map(
        byte[] payload, ApplyContext context, SupplierOptions options, DateTime now)
    {
        var items = new List<ApplyItem>();
        var rejected = new List<DeadLetter>();
        using var document = JsonDocument.Parse(payload);
        if (!document.RootElement.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            return (items, rejected);
        }

        var mapper = SupplierMapper.Create(SupplierMapping.Standard, options.StoreCurrency, options.CurrencyRates);
        var position = 0L;
        foreach (var e in events.EnumerateArray())
        {
            var raw = new RawRecord(e.Clone(), position);
            var result = mapper.Map(raw, now);
            if (result.Record is { } record)
            {
                items.Add(new ApplyItem(record, position, e.GetRawText()));
            }
            else
            {
                var why = result.Rejection!;
                rejected.Add(new DeadLetter(context.DeadLetterSource, context.SupplierId, context.ReferenceId, position, why.Code,
                    why.Field, why.Message, e.GetRawText(), now));
            }

            position++;
        }

        return (items, rejected);
    }
}
