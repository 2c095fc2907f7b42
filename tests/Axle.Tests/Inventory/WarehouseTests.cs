using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class WarehouseTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);

    private static object Body(string code, string name = "Dallas DC") => new
    {
        code,
        name,
        address = new { line1 = "2400 Distribution Way", city = "Dallas", region = "TX", postalCode = "75212", country = "US" },
    };

    private static string NewCode() => "DC-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, long id, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{Warehouses}/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task An_inventory_manager_creates_a_warehouse_with_an_etag_and_an_audit_entry()
    {
        var code = NewCode();

        var response = await _kit.Manager.PostAsJsonAsync(Warehouses, Body(code), Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/warehouses/{id}", response.Headers.Location?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("US", body.GetProperty("address").GetProperty("country").GetString());
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "inventory.warehouse_created" && a.Target == $"warehouse/{id}", Ct));
    }

    [Fact]
    public async Task A_duplicate_code_is_409_and_invalid_bodies_are_400()
    {
        var code = NewCode();
        await (await _kit.Manager.PostAsJsonAsync(Warehouses, Body(code), Ct)).AssertJsonAsync(HttpStatusCode.Created);

        var duplicate = await _kit.Manager.PostAsJsonAsync(Warehouses, Body(code), Ct);
        var lowerCase = await _kit.Manager.PostAsJsonAsync(Warehouses, Body("dal-1"), Ct);
        var badCountry = await _kit.Manager.PostAsJsonAsync(Warehouses, new
        {
            code = NewCode(),
            name = "X",
            address = new { line1 = "1", city = "Y", postalCode = "1", country = "USA" },
        }, Ct);

        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict, "warehouse_code_taken");
        Assert.True((await lowerCase.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("code", out _));
        Assert.True((await badCountry.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("address.country", out _));
    }

    [Fact]
    public async Task Get_sends_an_etag_and_answers_304_to_if_none_match()
    {
        var id = await _kit.WarehouseAsync();

        var first = await _kit.Manager.GetAsync($"{Warehouses}/{id}", Ct);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"{Warehouses}/{id}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        var second = await _kit.Manager.SendAsync(conditional, Ct);

        await first.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task Patch_needs_a_current_if_match_and_changes_only_what_it_names()
    {
        var id = await _kit.WarehouseAsync();
        var etag = (await _kit.Manager.GetAsync($"{Warehouses}/{id}", Ct)).Headers.ETag!.ToString();

        var missing = await PatchAsync(_kit.Manager, id, new { name = "Renamed" }, null);
        var patched = await PatchAsync(_kit.Manager, id, new { name = "Renamed", active = false }, etag);
        var stale = await PatchAsync(_kit.Manager, id, new { name = "Again" }, etag);

        await missing.AssertProblemAsync(HttpStatusCode.PreconditionRequired);
        var body = await patched.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", body.GetProperty("name").GetString());
        Assert.False(body.GetProperty("active").GetBoolean());
        Assert.Equal("Dallas", body.GetProperty("address").GetProperty("city").GetString());
        Assert.NotEqual(etag, patched.Headers.ETag!.ToString());
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task The_list_is_paginated_for_staff_and_forbidden_to_customers()
    {
        for (var i = 0; i < 3; i++)
        {
            await _kit.WarehouseAsync();
        }

        var first = await (await _kit.Manager.GetAsync($"{Warehouses}?limit=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await _kit.Manager.GetAsync($"{Warehouses}?limit=2&cursor={cursor}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var customer = await factory.CreateUserClient(Roles.Customer).GetAsync(Warehouses, Ct);
        var customerWrite = await factory.CreateUserClient(Roles.Customer).PostAsJsonAsync(Warehouses, Body(NewCode()), Ct);
        var catalogStaff = await factory.CreateUserClient(Roles.CatalogManager).GetAsync(Warehouses, Ct);

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(w => w.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        await customer.AssertProblemAsync(HttpStatusCode.Forbidden);
        await customerWrite.AssertProblemAsync(HttpStatusCode.Forbidden);
        await catalogStaff.AssertJsonAsync(HttpStatusCode.OK);
    }
}
