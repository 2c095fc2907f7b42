using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// Applies suppliers' pushes from the inbox, oldest first: each message's events are mapped (Axle's push format),
/// the valid ones applied through <see cref="SupplierStockApplier"/> and the others dead-lettered, and the message is marked
/// processed — all in one transaction, so a message applies exactly once however often the worker is interrupted. A message
/// that fails to apply (a fault, not a bad event) is retried with backoff and dead-lettered whole after
/// <see cref="SupplierOptions.InboxMaxAttempts"/>.
/// </summary>
internal sealed partial class SupplierInboxWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<SupplierOptions> options, TimeProvider clock,
    ILogger<SupplierInboxWorker> log)
    : PeriodicWorker(scopes, workers, clock, log)
{
    public const string SourcePrefix = "supplier:";
    public const string DeadLetterSource = "supplier_push";

    /// <summary>How long a claimed message is this worker's before another may take it over.</summary>
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    // Axle's push format never changes at run time: one compiled mapper serves every message.
    private readonly Lazy<SupplierMapper> _standard = new(() =>
        SupplierMapper.Create(SupplierMapping.Standard, options.Value.StoreCurrency, options.Value.CurrencyRates));

    public static string SourceOf(long supplierId) => SourcePrefix + supplierId;

    protected override TimeSpan Interval => options.Value.InboxInterval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var time = services.GetRequiredService<TimeProvider>();
        var claimed = await Inbox.ClaimAsync(db, SourcePrefix, options.Value.InboxBatch, ClaimFor, time.GetUtcNow().UtcDateTime, ct);
        foreach (var message in claimed)
        {
            await ProcessAsync(services, db, message, ct);
        }

        return claimed.Count;
    }

    private async Task ProcessAsync(IServiceProvider services, AppDbContext db, ClaimedMessage message, CancellationToken ct)
    {
        var applier = services.GetRequiredService<SupplierStockApplier>();
        var metrics = services.GetRequiredService<SupplierMetrics>();
        var logger = services.GetRequiredService<ILogger<SupplierInboxWorker>>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        try
        {
            ApplyResult result;
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                var supplierId = long.Parse(message.Source[SourcePrefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
                var supplier = await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == supplierId, ct);
                if (supplier is null)
                {
                    // Deleted since it pushed: nothing to apply the events to.
                    await Inbox.CompleteAsync(db, message.Id, "supplier deleted; not applied", now, ct);
                    await transaction.CommitAsync(ct);
                    return;
                }

                var context = new ApplyContext(supplier.Id, supplier.Code, supplier.ApplyPrices, MovementReference.SupplierPush,
                    message.Id.ToString(), DeadLetterSource, null);
                var (items, rejected) = PushEvents.Map(message.Payload, _standard.Value, context, now);
                result = await applier.ApplyAsync(db, context, items, rejected, now, ct);
                var t = result.Tally;
                if (!await Inbox.CompleteAsync(db, message.Id,
                        $"received {t.Received}, applied {t.Applied}, unchanged {t.Unchanged}, rejected {t.Rejected}, ignored {t.Ignored}", now, ct))
                {
                    // Our claim ran out and another worker applied it meanwhile: ours rolls back.
                    return;
                }

                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }

            metrics.Record("push", DeadLetterSource, result);
            await SupplierStockApplier.EvictCachesAsync(services.GetRequiredService<IOutputCacheStore>(), result, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            LogFailed(logger, e, message.Id, message.Attempts);
            if (message.Attempts >= options.Value.InboxMaxAttempts)
            {
                await DeadLetterWholeAsync(db, message, e, now, ct);
                return;
            }

            // 2, 4, 8 … seconds, at most five minutes.
            var backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, message.Attempts)));
            await Inbox.FailAsync(db, message.Id, e.GetType().Name + ": " + e.Message, now + backoff, ct);
        }
    }

    private static async Task DeadLetterWholeAsync(AppDbContext db, ClaimedMessage message, Exception e, DateTime now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var supplierId = long.TryParse(message.Source[SourcePrefix.Length..], out var id) ? id : (long?)null;
        db.Add(new DeadLetter(DeadLetterSource, supplierId, message.Id.ToString(), null, "apply_failed", null,
            $"Applying the push failed {message.Attempts} times; last error: {e.GetType().Name}.",
            System.Text.Encoding.UTF8.GetString(message.Payload), now));
        if (await Inbox.CompleteAsync(db, message.Id, "dead-lettered after repeated failures", now, ct))
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying inbox message {MessageId} failed (attempt {Attempt})")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid messageId, int attempt);
}
