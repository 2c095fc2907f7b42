using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Suppliers;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Axle.Tests.Suppliers;

public sealed class SupplierAdminTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly SupplierKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_a_supplier_with_bad_fields_is_400_naming_each_and_creates_nothing()
    {
        var before = await _kit.DbAsync(db => db.Set<Supplier>().CountAsync(Ct));

        var response = await _kit.Admin.PostAsJsonAsync(SupplierKit.Suppliers, new
        {
            code = "BAD-CODE-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant(),
            name = "Named",
            ipAllowList = new[] { "not-an-ip" },
            mapping = new { quantityField = "qty" },
            warehouses = new[] { "NOPE-" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant() },
        }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("ipAllowList", out _));
        Assert.True(errors.TryGetProperty("warehouses", out _));
        Assert.Contains(errors.EnumerateObject(), e => e.Name.StartsWith("mapping.", StringComparison.Ordinal));
        Assert.Equal(before, await _kit.DbAsync(db => db.Set<Supplier>().CountAsync(Ct)));
    }

    [Fact]
    public async Task A_taken_code_or_a_warehouse_owned_by_another_supplier_is_409()
    {
        var first = await _kit.SupplierAsync();

        var sameCode = await _kit.Admin.PostAsJsonAsync(SupplierKit.Suppliers, new { code = first.Code, name = "Again" }, Ct);
        var sameWarehouse = await _kit.Admin.PostAsJsonAsync(SupplierKit.Suppliers,
            new { code = "OTHER-" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant(), name = "Other", warehouses = new[] { first.WarehouseCode } }, Ct);

        await sameCode.AssertProblemAsync(HttpStatusCode.Conflict, "supplier_code_taken");
        await sameWarehouse.AssertProblemAsync(HttpStatusCode.Conflict, "warehouse_owned");
    }

    [Fact]
    public async Task Only_admins_manage_suppliers()
    {
        var supplier = await _kit.SupplierAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await _kit.Anonymous.GetAsync(SupplierKit.Suppliers, Ct)).StatusCode);
        var manager = factory.CreateUserClient(roles: Roles.InventoryManager);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"{SupplierKit.Suppliers}/{supplier.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync($"{SupplierKit.Suppliers}/{supplier.Id}/secret:rotate", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task Patch_needs_the_current_etag_and_replaces_warehouses_and_mapping()
    {
        var supplier = await _kit.SupplierAsync(warehouses: 2);
        var url = $"{SupplierKit.Suppliers}/{supplier.Id}";
        var body = new { name = "Renamed", warehouses = new[] { supplier.Warehouses[1].Code }, mapping = new { skuField = "sku", quantityField = "qty", warehouse = new { @default = supplier.Warehouses[1].Code } } };

        await (await _kit.Admin.PatchAsJsonAsync(url, body, Ct)).AssertProblemAsync(HttpStatusCode.PreconditionRequired);
        using var stale = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"stale\"");
        await (await _kit.Admin.SendAsync(stale, Ct)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);

        var current = await _kit.Admin.GetAsync(url, Ct);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        patch.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.Tag);
        var patched = await (await _kit.Admin.SendAsync(patch, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("Renamed", patched.GetProperty("name").GetString());
        Assert.Equal([supplier.Warehouses[1].Code], patched.GetProperty("warehouses").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal("qty", patched.GetProperty("mapping").GetProperty("quantityField").GetString());
    }

    [Fact]
    public async Task Adding_part_numbers_for_unknown_skus_is_400_and_adds_none()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();

        var response = await _kit.Admin.PostAsJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/parts", new
        {
            items = new[] { new { supplierPartNumber = "A-1", sku = part.Sku }, new { supplierPartNumber = "B-2", sku = "NO-SUCH-" + part.Sku } },
        }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await _kit.DbAsync(db => db.Set<SupplierPart>().CountAsync(p => p.SupplierId == supplier.Id, Ct)));
    }

    [Fact]
    public async Task A_null_part_number_entry_is_400_and_adds_none()
    {
        // Found by the fuzzer: a null entry of items was dereferenced (500).
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();

        var response = await _kit.Admin.PostAsJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/parts", new
        {
            items = new[] { new { supplierPartNumber = "A-1", sku = part.Sku }, null },
        }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("items[1]", out _), problem.ToString());
        Assert.Equal(0, await _kit.DbAsync(db => db.Set<SupplierPart>().CountAsync(p => p.SupplierId == supplier.Id, Ct)));
    }

    [Fact]
    public async Task A_push_over_the_size_limit_is_413_and_stores_nothing()
    {
        var supplier = await _kit.SupplierAsync();
        var body = "{\"supplierId\": " + supplier.Id + ", \"events\": [\"" + new string('x', 1024 * 1024) + "\"]}";

        var response = await _kit.PushRawAsync(body, supplier.Secret);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await _kit.DbAsync(db => db.Set<Axle.Api.Platform.Messaging.InboxMessage>()
            .CountAsync(m => m.Source == SupplierInboxWorker.SourceOf(supplier.Id), Ct)));
    }

    [Fact]
    public async Task Deleting_a_supplier_needs_if_match_and_keeps_its_warehouse()
    {
        var supplier = await _kit.SupplierAsync();
        var url = $"{SupplierKit.Suppliers}/{supplier.Id}";
        await (await _kit.Admin.DeleteAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.PreconditionRequired);

        var etag = (await _kit.Admin.GetAsync(url, Ct)).Headers.ETag!.Tag;
        using var delete = new HttpRequestMessage(HttpMethod.Delete, url);
        delete.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.NoContent, (await _kit.Admin.SendAsync(delete, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _kit.Admin.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _kit.Admin.GetAsync($"/api/v1/warehouses/{supplier.WarehouseId}", Ct)).StatusCode);
    }
}
