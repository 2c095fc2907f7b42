using System.Text.Json;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Suppliers.Mapping;

namespace Axle.UnitTests.Suppliers.Mapping;

internal static class MappingKit
{
    public static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    public static readonly IReadOnlyDictionary<string, decimal> Rates = new Dictionary<string, decimal>
    {
        ["EUR"] = 1.0842m,
        ["GBP"] = 1.27m,
        ["JPY"] = 0.0067m,
    };

    /// <summary>The least a mapping needs: a SKU, an absolute quantity and a fixed warehouse.</summary>
    public static SupplierMapping Minimal => new()
    {
        SkuField = "sku",
        QuantityField = "qty",
        Warehouse = new WarehouseMapping { Default = "MAIN" },
    };

    public static MappingResult Map(SupplierMapping mapping, string json, DateTime? now = null) =>
        Map(SupplierMapper.Create(mapping, "USD", Rates), json, now);

    public static MappingResult Map(SupplierMapper mapper, string json, DateTime? now = null)
    {
        using var document = JsonDocument.Parse(json);
        return mapper.Map(new RawRecord(document.RootElement, 7), now ?? Now);
    }

    public static SupplierStockRecord Mapped(SupplierMapping mapping, string json, DateTime? now = null)
    {
        var result = Map(mapping, json, now);
        Assert.True(result.IsValid, result.Rejection?.Code + ": " + result.Rejection?.Message);
        return result.Record!;
    }

    public static RecordRejection Rejected(SupplierMapping mapping, string json, DateTime? now = null)
    {
        var result = Map(mapping, json, now);
        Assert.False(result.IsValid, $"Expected a rejection, got {result.Record}");
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection!.Message));
        return result.Rejection;
    }

    public static void AssertRejected(SupplierMapping mapping, string json, string code, string? field)
    {
        var rejection = Rejected(mapping, json);
        Assert.Equal(code, rejection.Code);
        Assert.Equal(field, rejection.Field);
    }
}
