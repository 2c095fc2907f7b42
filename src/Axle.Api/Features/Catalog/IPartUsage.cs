namespace Axle.Api.Features.Catalog;

/// <summary>Whether anything that must keep pointing at a part (an order line) refers to it; such a part is discontinued, never deleted.</summary>
public interface IPartUsage
{
    Task<bool> IsReferencedAsync(long partId, CancellationToken ct);
}

/// <summary>
/// The catalog's own answer: nothing of the catalog's references a part. Features that do (orders, the stock ledger) add
/// their own <see cref="IPartUsage"/> registrations; deletion asks all of them, and any "yes" discontinues the part instead.
/// </summary>
internal sealed class NoPartUsage : IPartUsage
{
    public Task<bool> IsReferencedAsync(long partId, CancellationToken ct) => Task.FromResult(false);
}
