using Axle.Api.Features.Catalog;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Promotions;

/// <summary>
/// A promotion code priced against lines: the discount and the promotion it comes from, or the refusal's stable code
/// (<see cref="PromotionRefusals"/>). <see cref="PromotionId"/> is null only when no promotion has the code.
/// </summary>
public sealed record PromotionQuote(Guid? PromotionId, string Code, long DiscountMinor, long EligibleSubtotalMinor, string? Refusal)
{
    public bool Applies => Refusal is null;
}

/// <summary>
/// Promotions as checkout uses them: <see cref="QuoteAsync"/> prices a code (current counters included),
/// <see cref="TryRedeemAsync"/> takes one use inside the caller's transaction, <see cref="ReleaseAsync"/> gives an order's
/// uses back. Limits hold under concurrency on both databases because every counter changes by a conditional UPDATE
/// (PostgreSQL re-checks the condition on the latest row after waiting for its lock; SQLite runs one writer at a time).
/// </summary>
public sealed class PromotionEngine(AppDbContext db, TimeProvider time, IOptions<ShippingOptions> shipping)
{
    public async Task<PromotionQuote> QuoteAsync(string code, Guid userId, IReadOnlyList<PromotionLine> lines, CancellationToken ct)
    {
        var normalized = Promotion.NormalizeCode(code ?? "");
        var promotion = normalized.Length is 0 or > Promotion.CodeMaxLength
            ? null
            : await db.Set<Promotion>().AsNoTracking().FirstOrDefaultAsync(p => p.Code == normalized, ct);
        if (promotion is null)
        {
            return new PromotionQuote(null, normalized, 0, 0, PromotionRefusals.NotFound);
        }

        var assigned = promotion.Personalized
            && await db.Set<PromotionAssignment>().AnyAsync(a => a.PromotionId == promotion.Id && a.UserId == userId, ct);
        var uses = await db.Set<PromotionCustomerUsage>().Where(u => u.PromotionId == promotion.Id && u.UserId == userId)
            .Select(u => u.Count).FirstOrDefaultAsync(ct);
        var facts = new PromotionFacts(
            promotion.Kind, promotion.PercentOff, promotion.AmountOffMinor, promotion.Currency, promotion.MinSubtotalMinor,
            promotion.StartsAt, promotion.EndsAt, promotion.MaxRedemptions, promotion.RedemptionCount, promotion.MaxPerCustomer,
            promotion.BrandIds.ToHashSet(), await WithDescendantsAsync(promotion.CategoryIds, ct), promotion.Personalized,
            promotion.Active);
        var decision = PromotionRules.Decide(facts, lines, shipping.Value.Currency, new PromotionCustomer(assigned, uses),
            time.GetUtcNow().UtcDateTime);
        return new PromotionQuote(promotion.Id, promotion.Code, decision.DiscountMinor, decision.EligibleSubtotalMinor, decision.Refusal);
    }

    /// <summary>
    /// Takes one use of a promotion for an order, inside the caller's open transaction: the global counter
    /// (<c>RedemptionCount &lt; MaxRedemptions</c>), the customer's counter (<c>Count &lt; MaxPerCustomer</c>) and the
    /// redemption row. False when a limit is hit or the promotion does not exist: the caller rolls back, which also undoes
    /// any counter this call already moved. Redeeming the same order twice counts once (a retried checkout).
    /// Validity window and eligibility are the quote's business, not this call's.
    /// </summary>
    public async Task<bool> TryRedeemAsync(
        AppDbContext db, Guid promotionId, Guid userId, Guid orderId, long amountMinor, CancellationToken ct)
    {
        RequireTransaction(db);
        ArgumentOutOfRangeException.ThrowIfNegative(amountMinor);
        if (await db.Set<PromotionRedemption>().AnyAsync(r => r.PromotionId == promotionId && r.OrderId == orderId, ct))
        {
            return true;
        }

        var counted = await db.Set<Promotion>()
            .Where(p => p.Id == promotionId && (p.MaxRedemptions == null || p.RedemptionCount < p.MaxRedemptions))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.RedemptionCount, p => p.RedemptionCount + 1), ct);
        if (counted == 0)
        {
            return false;
        }

        var maxPerCustomer = await db.Set<Promotion>().Where(p => p.Id == promotionId).Select(p => p.MaxPerCustomer).FirstAsync(ct);
        await db.Database.ExecuteSqlRawAsync(PromotionSql.InsertUsageIfMissing, [promotionId, userId], ct);
        var used = await db.Set<PromotionCustomerUsage>()
            .Where(u => u.PromotionId == promotionId && u.UserId == userId && (maxPerCustomer == null || u.Count < maxPerCustomer))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count + 1), ct);
        if (used == 0)
        {
            return false;
        }

        // Zero rows: a concurrent redemption of the same order committed first; refusing lets the caller roll back its copy.
        var inserted = await db.Database.ExecuteSqlRawAsync(PromotionSql.InsertRedemption,
            [promotionId, orderId, userId, amountMinor, time.GetUtcNow().UtcDateTime], ct);
        return inserted == 1;
    }

    /// <summary>
    /// Gives back every use an order took (declined payment, cancellation): deletes its redemption rows and decrements the
    /// counters they raised, inside the caller's transaction. Idempotent: a second call finds nothing to give back, and of
    /// two concurrent calls only the one that deletes a row decrements.
    /// </summary>
    public async Task ReleaseAsync(AppDbContext db, Guid orderId, CancellationToken ct)
    {
        RequireTransaction(db);
        var redemptions = await db.Set<PromotionRedemption>().AsNoTracking().Where(r => r.OrderId == orderId)
            .Select(r => new { r.PromotionId, r.UserId }).ToListAsync(ct);
        foreach (var redemption in redemptions)
        {
            var deleted = await db.Set<PromotionRedemption>()
                .Where(r => r.PromotionId == redemption.PromotionId && r.OrderId == orderId).ExecuteDeleteAsync(ct);
            if (deleted == 0)
            {
                continue;
            }

            await db.Set<Promotion>().Where(p => p.Id == redemption.PromotionId && p.RedemptionCount > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.RedemptionCount, p => p.RedemptionCount - 1), ct);
            await db.Set<PromotionCustomerUsage>()
                .Where(u => u.PromotionId == redemption.PromotionId && u.UserId == redemption.UserId && u.Count > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count - 1), ct);
        }
    }

    /// <summary>
    /// The restricted categories and every category below them: a promotion on "Brakes" covers "Brake Pads". Category
    /// trees are shallow, so this is one query per level.
    /// </summary>
    private async Task<IReadOnlySet<int>> WithDescendantsAsync(IReadOnlyList<int> roots, CancellationToken ct)
    {
        var all = roots.ToHashSet();
        var frontier = all.ToList();
        while (frontier.Count > 0)
        {
            var level = frontier;
            var children = await db.Set<Category>().AsNoTracking()
                .Where(c => c.ParentId != null && level.Contains(c.ParentId.Value)).Select(c => c.Id).ToListAsync(ct);
            frontier = [.. children.Where(all.Add)];
        }

        return all;
    }

    private static void RequireTransaction(AppDbContext db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Promotion uses change inside the caller's transaction, with the order they belong to.");
        }
    }
}

/// <summary>Inserts EF Core cannot express: an insert that does nothing when the row exists (both providers' dialect).</summary>
internal static class PromotionSql
{
    public const string InsertUsageIfMissing = """
        INSERT INTO promotion_customer_usages ("PromotionId", "UserId", "Count") VALUES ({0}, {1}, 0)
        ON CONFLICT ("PromotionId", "UserId") DO NOTHING
        """;

    public const string InsertRedemption = """
        INSERT INTO promotion_redemptions ("PromotionId", "OrderId", "UserId", "AmountMinor", "RedeemedAt")
        VALUES ({0}, {1}, {2}, {3}, {4})
        ON CONFLICT ("PromotionId", "OrderId") DO NOTHING
        """;

    public const string InsertAssignmentIfMissing = """
        INSERT INTO promotion_assignments ("PromotionId", "UserId", "AssignedAt") VALUES ({0}, {1}, {2})
        ON CONFLICT ("PromotionId", "UserId") DO NOTHING
        """;
}
