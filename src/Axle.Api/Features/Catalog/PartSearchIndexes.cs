using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// Keyset indexes for the search sorts: each sort key followed by the id tie-breaker, so the first page of an unfiltered
/// list and every seek past a cursor read an index range instead of sorting the table.
/// </summary>
internal sealed class PartSearchIndexes : IEntityTypeConfiguration<Part>
{
    public void Configure(EntityTypeBuilder<Part> b)
    {
        b.HasIndex(p => new { p.Name, p.Id });
        b.HasIndex(p => new { p.PriceMinor, p.Id });
        b.HasIndex(p => new { p.CreatedAt, p.Id });
    }
}
