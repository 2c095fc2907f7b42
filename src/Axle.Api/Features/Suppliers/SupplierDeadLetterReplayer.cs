using System.Text.Json;
using Axle.Api.Features.DeadLetters;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// Replays a supplier record that was dead-lettered: mapped again (a push with Axle's format, a feed record with the
/// supplier's current mapping), then applied by <see cref="SupplierStockApplier"/> as if it had just arrived. Refused again
/// → rolled back (no second dead letter) and reported with the new reason.
/// </summary>
internal sealed class SupplierDeadLetterReplayer(
    SupplierStockApplier applier, IOutputCacheStore cache, IOptions<SupplierOptions> options, TimeProvider time) : IDeadLetterReplayer
{
    public const string PullSource = "supplier_pull";

    public IReadOnlyCollection<string> Sources { get; } = [SupplierInboxWorker.DeadLetterSource, PullSource];

    public async Task<ReplayOutcome> ReplayAsync(AppDbContext db, DeadLetter letter, CancellationToken ct)
    {
        if (letter.SupplierId is not { } supplierId
            || await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == supplierId, ct) is not { } supplier)
        {
            return new ReplayOutcome(false, "The supplier no longer exists.");
        }

        if (letter.PayloadTruncated)
        {
            return new ReplayOutcome(false, "The payload was too large to keep whole; it cannot be replayed.");
        }

        JsonElement record;
        try
        {
            using var document = JsonDocument.Parse(letter.Payload);
            record = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new ReplayOutcome(false, "malformed_payload: the payload is not JSON.");
        }

        var mapping = letter.Source == PullSource && supplier.Mapping is { } json
            ? JsonSerializer.Deserialize<SupplierMapping>(json, SupplierResponse.Json)!
            : SupplierMapping.Standard;
        var now = time.GetUtcNow().UtcDateTime;
        var mapped = SupplierMapper.Create(mapping, options.Value.StoreCurrency, options.Value.CurrencyRates)
            .Map(new RawRecord(record, letter.Position ?? 0), now);
        if (mapped.Rejection is { } rejection)
        {
            return new ReplayOutcome(false, $"{rejection.Code}: {rejection.Message}");
        }

        var context = new ApplyContext(supplier.Id, supplier.Code, supplier.ApplyPrices,
            letter.Source == PullSource ? MovementReference.SyncRun : MovementReference.SupplierPush, letter.Reference, letter.Source, null);
        db.ChangeTracker.Clear();
        ApplyResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Claim the letter first: of two concurrent replays only one applies (the other waits on the row, then finds it
            // closed), so a delta is never applied twice. A rollback below reopens it.
            if (await db.Set<DeadLetter>().Where(d => d.Id == letter.Id && d.Status == DeadLetterStatus.Open)
                    .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeadLetterStatus.Replayed), ct) == 0)
            {
                await transaction.RollbackAsync(ct);
                return new ReplayOutcome(false, "not_open: replayed or discarded meanwhile.");
            }

            result = await applier.ApplyAsync(db, context, [new ApplyItem(mapped.Record!, letter.Position ?? 0, letter.Payload)], [], now, ct);
            if (result.Tally.Rejected > 0)
            {
                var again = db.ChangeTracker.Entries<DeadLetter>().Select(e => e.Entity).FirstOrDefault();
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return new ReplayOutcome(false, again is null ? "Rejected again." : $"{again.Code}: {again.Reason}");
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        db.ChangeTracker.Clear();
        await SupplierStockApplier.EvictCachesAsync(cache, result, ct);
        var t = result.Tally;
        return new ReplayOutcome(true, t.Applied > 0 ? "applied" : t.Unchanged > 0 ? "applied (no change)" : "ignored (older than what was applied since)");
    }
}
