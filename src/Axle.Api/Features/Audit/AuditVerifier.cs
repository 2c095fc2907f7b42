using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Audit;

/// <summary>The answer of a chain check. <see cref="FirstBrokenSequence"/> and <see cref="Reason"/> are null when intact.</summary>
internal sealed record AuditVerification(
    bool Intact, long CheckedEntries, long UnchainedEntries, long? FirstBrokenSequence, string? Reason);

/// <summary>
/// Walks the chain in sequence order, a batch at a time, recomputing every hash and checking that each entry names its
/// predecessor's hash and that sequences run 1, 2, 3… without gaps. Editing any hashed field, deleting or inserting a
/// row in the middle, or re-hashing an edited row all break the chain at a definite sequence.
/// Removing entries from the end leaves a shorter intact chain; anchoring the head elsewhere would catch that.
/// </summary>
internal sealed class AuditVerifier(AppDbContext db)
{
    private const int BatchSize = 1000;

    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        var unchained = await db.Set<AuditEntry>().LongCountAsync(e => e.ChainSequence == null, ct);
        var expected = 1L;
        var previous = AuditHash.Genesis;
        while (true)
        {
            var after = expected - 1;
            var batch = await db.Set<AuditEntry>().AsNoTracking()
                .Where(e => e.ChainSequence > after)
                .OrderBy(e => e.ChainSequence)
                .Take(BatchSize)
                .ToListAsync(ct);
            foreach (var entry in batch)
            {
                var sequence = entry.ChainSequence!.Value;
                var broken = sequence != expected ? $"Entry {expected} is missing; the next entry has sequence {sequence}."
                    : entry.PreviousHash != previous ? $"Entry {sequence} does not link to the hash of entry {sequence - 1}."
                    : entry.Hash != AuditHash.Compute(previous, sequence, entry) ? $"Entry {sequence} does not match its hash."
                    : null;
                if (broken is not null)
                {
                    return new AuditVerification(false, expected - 1, unchained, expected, broken);
                }

                previous = entry.Hash!;
                expected++;
            }

            if (batch.Count < BatchSize)
            {
                return new AuditVerification(true, expected - 1, unchained, null, null);
            }
        }
    }
}
