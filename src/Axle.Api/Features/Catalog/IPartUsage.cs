namespace Axle.Api.Features.Catalog;

/// <summary>Whether anything that must keep pointing at a part (an order line) refers to it; such a part is discontinued, never deleted.</summary>
public interface IPartUsage
{
    Task<bool> IsReferencedAsync(long partId, CancellationToken ct);
}

/// <summary>
/// Nothing references parts yet: orders do not exist. The orders feature replaces this registration with one that
/// looks for order lines, so that deleting an ordered part discontinues it instead.
/// </summary>
internal sealed class NoPartUsage : IPartUsage
{
    public Task<bool> IsReferencedAsync(long partId, CancellationToken ct) => Task.FromResult(false);
}
