using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Platform.Messaging;

/// <summary>A message a worker has claimed: it holds it until <c>LockedUntil</c> and must complete or fail it.</summary>
public sealed record ClaimedMessage(Guid Id, string Source, string MessageId, byte[] Payload, DateTime ReceivedAt, int Attempts);

/// <summary>
/// The inbox (STYLE.md §9): <see cref="StoreAsync"/> keeps a verified message once per (source, message id) before the
/// sender hears 202; workers <see cref="ClaimAsync"/> batches (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, so instances
/// never take the same message), apply them and <see cref="CompleteAsync"/> in the same transaction as the effects.
/// A claim is a lease with an expiry, so a worker that dies leaves its messages to the next one.
/// </summary>
public static class Inbox
{
    internal const string InsertSql = """
        INSERT INTO inbox_messages ("Id", "Source", "MessageId", "Payload", "ReceivedAt", "Attempts")
        VALUES ({0}, {1}, {2}, {3}, {4}, 0)
        ON CONFLICT ("Source", "MessageId") DO NOTHING
        """;

    // A message is not claimed while an older one of the same source is still claimed (by a live worker, or by one that
    // died and whose lease has not run out): otherwise, after a crash, the newer messages would be applied first and the
    // older ones, once their lease expired, would be ignored as out of order — losing acknowledged deltas. A message
    // waiting out a retry after a failure (LastError set) does not hold its source back.
    internal const string ClaimSql = """
        UPDATE inbox_messages SET "LockedUntil" = {0}, "Attempts" = "Attempts" + 1
        WHERE "Id" IN (
            SELECT m."Id" FROM inbox_messages m
            WHERE m."ProcessedAt" IS NULL AND m."Source" LIKE {1} AND (m."LockedUntil" IS NULL OR m."LockedUntil" < {2})
              AND NOT EXISTS (
                SELECT 1 FROM inbox_messages o
                WHERE o."Source" = m."Source" AND o."ProcessedAt" IS NULL AND o."ReceivedAt" < m."ReceivedAt"
                  AND o."LockedUntil" >= {2} AND o."LastError" IS NULL)
            ORDER BY m."ReceivedAt"
            LIMIT {3}
            /*postgres: FOR UPDATE OF m SKIP LOCKED */)
        RETURNING "Id", "Source", "MessageId", "Payload", "ReceivedAt", "Attempts"
        """;

    /// <summary>
    /// Stores a message unless one with the same source and id exists. Returns false for such a duplicate (answered like the
    /// original: the sender only needs to know it is safe).
    /// </summary>
    public static async Task<bool> StoreAsync(
        AppDbContext db, string source, string messageId, byte[] payload, DateTime now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero));
        return await db.Database.ExecuteSqlRawAsync(InsertSql, [id, source, messageId, payload, now], ct) == 1;
    }

    /// <summary>Claims up to <paramref name="limit"/> unprocessed messages whose source starts with <paramref name="sourcePrefix"/>, oldest first.</summary>
    public static async Task<List<ClaimedMessage>> ClaimAsync(
        AppDbContext db, string sourcePrefix, int limit, TimeSpan lockFor, DateTime now, CancellationToken ct)
    {
        var sql = ProviderSql.For(db.Database, ClaimSql);
        var claimed = await db.Database.SqlQueryRaw<ClaimedMessage>(sql, now + lockFor, sourcePrefix + "%", now, limit).ToListAsync(ct);
        claimed.Sort((a, b) => a.ReceivedAt.CompareTo(b.ReceivedAt));
        return claimed;
    }

    /// <summary>
    /// Marks a claimed message applied, in the transaction of its effects. False when it was already applied (this worker's
    /// claim ran out and another worker finished it first): the caller rolls its work back.
    /// </summary>
    public static async Task<bool> CompleteAsync(AppDbContext db, Guid id, string outcome, DateTime now, CancellationToken ct) =>
        await db.Set<InboxMessage>()
            .Where(m => m.Id == id && m.ProcessedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ProcessedAt, now)
                .SetProperty(m => m.LockedUntil, (DateTime?)null)
                .SetProperty(m => m.Outcome, Truncate(outcome)), ct) == 1;

    /// <summary>Records a failed attempt and leaves the message for a retry after <paramref name="retryAt"/>.</summary>
    public static Task FailAsync(AppDbContext db, Guid id, string error, DateTime retryAt, CancellationToken ct) =>
        db.Set<InboxMessage>()
            .Where(m => m.Id == id && m.ProcessedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.LockedUntil, retryAt)
                .SetProperty(m => m.LastError, Truncate(error)), ct);

    /// <summary>How many messages of a source wait to be applied (metrics, readiness of a sync).</summary>
    public static Task<int> PendingAsync(AppDbContext db, string sourcePrefix, CancellationToken ct) =>
        db.Set<InboxMessage>().CountAsync(m => m.ProcessedAt == null && m.Source.StartsWith(sourcePrefix), ct);

    private static string Truncate(string text) =>
        text.Length <= InboxMessage.ErrorMaxLength ? text : text[..InboxMessage.ErrorMaxLength];
}
