using Axle.Api.Features.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// A supplier or distributor whose warehouses Axle sells from. It is authoritative for the stock of the warehouses it
/// owns (<see cref="SupplierWarehouse"/>): its pushes and feeds set their quantities. Secrets (the webhook signing secret,
/// feed credentials) are stored encrypted with Data Protection (<see cref="SupplierSecrets"/>), never in clear text.
/// </summary>
public sealed class Supplier
{
    public const int CodeMaxLength = 32;
    public const int NameMaxLength = 100;

    /// <summary>Most warehouses one supplier is authoritative for, and most IP addresses/networks it may push from.</summary>
    public const int MaxWarehouses = 100;
    public const int MaxIpAllowList = 100;
    public const string CodePattern = "^[A-Z0-9][A-Z0-9_-]{1,31}$";

    private Supplier()
    {
    }

    public Supplier(string code, string name, bool webhookEnabled, string protectedSecret, DateTime now)
    {
        Code = code;
        Name = name;
        Active = true;
        WebhookEnabled = webhookEnabled;
        WebhookSecret = protectedSecret;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public long Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";

    /// <summary>An inactive supplier's pushes are refused (401) and its feed is not pulled; its warehouses keep their stock.</summary>
    public bool Active { get; private set; }

    /// <summary>Whether the supplier pushes to <c>POST /api/v1/inventory/updates</c>.</summary>
    public bool WebhookEnabled { get; private set; }

    /// <summary>The current signing secret (<c>whsec_…</c>), Data Protection–encrypted.</summary>
    public string WebhookSecret { get; private set; } = "";

    /// <summary>The secret before the last rotation, still accepted until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousWebhookSecret { get; private set; }
    public DateTime? PreviousSecretExpiresAt { get; private set; }

    /// <summary>The declarative mapping of the supplier's records (JSON of <c>SupplierMapping</c>); null = Axle's own format.</summary>
    public string? Mapping { get; private set; }

    /// <summary>The pull feed's configuration (JSON of <c>FeedSettings</c>); null when Axle does not pull this supplier.</summary>
    public string? Feed { get; private set; }

    /// <summary>The feed's credentials (JSON of <c>FeedCredentials</c>), Data Protection–encrypted.</summary>
    public string? FeedCredentials { get; private set; }

    /// <summary>Networks (CIDR) the push webhook accepts this supplier's calls from, comma-separated; null = any.</summary>
    public string? IpAllowList { get; private set; }

    /// <summary>Whether the supplier's prices set the catalog's selling prices (otherwise they are only recorded).</summary>
    public bool ApplyPrices { get; private set; }

    /// <summary>Whether reconciliation corrects Axle's levels to the supplier's snapshot, or only reports differences.</summary>
    public bool AutoCorrect { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public void Rename(string name) => Name = name;

    public void SetActive(bool active) => Active = active;

    public void SetWebhook(bool enabled) => WebhookEnabled = enabled;

    public void SetMapping(string? mappingJson) => Mapping = mappingJson;

    public void SetFeed(string? feedJson, string? protectedCredentials)
    {
        Feed = feedJson;
        FeedCredentials = protectedCredentials;
    }

    public void SetIpAllowList(string? networks) => IpAllowList = networks;

    public void SetPolicies(bool applyPrices, bool autoCorrect)
    {
        ApplyPrices = applyPrices;
        AutoCorrect = autoCorrect;
    }

    /// <summary>A new current secret; the old one keeps verifying for <paramref name="grace"/>.</summary>
    public void RotateSecret(string protectedSecret, TimeSpan grace, DateTime now)
    {
        PreviousWebhookSecret = WebhookSecret;
        PreviousSecretExpiresAt = now + grace;
        WebhookSecret = protectedSecret;
    }

    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>A warehouse (drop-ship or distribution centre) a supplier owns: only that supplier's records move its stock.</summary>
public sealed class SupplierWarehouse
{
    private SupplierWarehouse()
    {
    }

    public SupplierWarehouse(long supplierId, long warehouseId)
    {
        SupplierId = supplierId;
        WarehouseId = warehouseId;
    }

    public long SupplierId { get; private set; }
    public long WarehouseId { get; private set; }
}

internal sealed class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
{
    public void Configure(EntityTypeBuilder<Supplier> b)
    {
        b.ToTable("suppliers");
        b.HasKey(s => s.Id);
        b.Property(s => s.Code).HasMaxLength(Supplier.CodeMaxLength).IsRequired();
        b.HasIndex(s => s.Code).IsUnique();
        b.Property(s => s.Name).HasMaxLength(Supplier.NameMaxLength).IsRequired();
        b.Property(s => s.WebhookSecret).HasMaxLength(2000).IsRequired();
        b.Property(s => s.PreviousWebhookSecret).HasMaxLength(2000);
        b.Property(s => s.IpAllowList).HasMaxLength(2000);
        b.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class SupplierWarehouseConfiguration : IEntityTypeConfiguration<SupplierWarehouse>
{
    public void Configure(EntityTypeBuilder<SupplierWarehouse> b)
    {
        b.ToTable("supplier_warehouses");
        // A warehouse has at most one authoritative supplier.
        b.HasKey(w => w.WarehouseId);
        b.HasIndex(w => w.SupplierId);
        b.HasOne<Supplier>().WithMany().HasForeignKey(w => w.SupplierId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Warehouse>().WithMany().HasForeignKey(w => w.WarehouseId).OnDelete(DeleteBehavior.Restrict);
    }
}
