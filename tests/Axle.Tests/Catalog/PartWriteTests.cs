using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Catalog;

public sealed class PartWriteTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private const string Parts = "/api/v1/parts";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Catalog_manager_creates_a_part_with_its_content_an_audit_row_and_an_etag()
    {
        var category = await SeedCategoryAsync();
        var client = factory.CreateUserClient(Roles.CatalogManager);
        var sku = NewSku();
        var brand = "Brand " + Guid.NewGuid().ToString("N")[..8];

        var response = await client.PostAsJsonAsync(Parts, new
        {
            sku,
            partNumber = "BP-" + sku,
            brand,
            category = category.Name,
            name = "Ceramic brake pads",
            description = "Front axle set",
            price = new { amount = 42.50m, currency = "USD" },
            coreCharge = new { amount = 5m, currency = "USD" },
            hazmat = false,
            weightGrams = 1200,
            dimensions = new { lengthMm = 150, widthMm = 60, heightMm = 20 },
            attributes = new[] { new { name = "Material", value = "Ceramic", type = "text", unit = (string?)null } },
            images = new[] { new { url = "https://img.example/pads.jpg", alt = "Pads" } },
            documents = new[] { new { url = "https://docs.example/pads.pdf", title = "Install guide", type = "installation_manual", sizeBytes = 12345L } },
            interchange = new[] { new { number = "OEM-" + sku, brand = "Toyota", kind = "oem" } },
            supersedes = new[] { "OLD-" + sku },
        }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/parts/{id}", response.Headers.Location?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(sku, body.GetProperty("sku").GetString());
        Assert.Equal(brand, body.GetProperty("brand").GetString());
        Assert.Equal(category.Slug, body.GetProperty("category").GetProperty("slug").GetString());
        Assert.Equal(42.50m, body.GetProperty("price").GetProperty("amount").GetDecimal());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Single(body.GetProperty("interchange").EnumerateArray());
        Assert.Equal("OLD-" + sku, body.GetProperty("supersedes")[0].GetString());

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var part = await db.Set<Part>().Include(p => p.Attributes).Include(p => p.Images).Include(p => p.Documents)
            .SingleAsync(p => p.Id == id, Ct);
        Assert.Equal(4250, part.PriceMinor);
        Assert.Equal(500, part.CoreChargeMinor);
        Assert.Equal(150, part.LengthMm);
        Assert.Single(part.Attributes);
        Assert.Single(part.Images);
        Assert.Equal(DocumentType.InstallationManual, Assert.Single(part.Documents).Type);
        Assert.True(await db.Set<Brand>().AnyAsync(b => b.Name == brand, Ct));
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "catalog.part_created" && a.Target == $"part/{id}", Ct));
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"sku":"bad sku"}""", "sku" },
        { """{"price":{"amount":-1,"currency":"USD"}}""", "price.amount" },
        { """{"price":{"amount":1.005,"currency":"USD"}}""", "price.amount" },
        { """{"price":{"amount":1,"currency":"usd"}}""", "price.currency" },
        { """{"images":[{"url":"ftp://img.example/a.jpg"}]}""", "images[0].url" },
        { """{"documents":[{"url":"/relative.pdf","title":"Spec","type":"spec_sheet"}]}""", "documents[0].url" },
        // The part's representation promises at most 100 superseded numbers: a longer list never gets in.
        { "{\"supersedes\":[" + string.Join(',', Enumerable.Range(1, PartRules.MaxItems + 1).Select(i => $"\"OLD-{i}\"")) + "]}", "supersedes" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_refuses_invalid_fields_with_field_errors(string overrides, string field)
    {
        var category = await SeedCategoryAsync();
        var client = factory.CreateUserClient(Roles.CatalogManager);
        var body = ValidBody(NewSku(), category.Slug);
        foreach (var (name, value) in JsonDocument.Parse(overrides).RootElement.EnumerateObject().Select(p => (p.Name, p.Value)))
        {
            body[name] = value;
        }

        var response = await client.PostAsJsonAsync(Parts, body, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
    }

    [Fact]
    public async Task Create_refuses_an_unknown_category()
    {
        var client = factory.CreateUserClient(Roles.Admin);

        var response = await client.PostAsJsonAsync(Parts, ValidBody(NewSku(), "no-such-category-" + Guid.NewGuid().ToString("N")), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("category", out _));
    }

    [Fact]
    public async Task Create_returns_409_when_the_sku_is_taken()
    {
        var category = await SeedCategoryAsync();
        var client = factory.CreateUserClient(Roles.CatalogManager);
        var sku = NewSku();
        (await client.PostAsJsonAsync(Parts, ValidBody(sku, category.Slug), Ct)).EnsureSuccessStatusCode();

        var again = await client.PostAsJsonAsync(Parts, ValidBody(sku, category.Slug), Ct);

        await again.AssertProblemAsync(HttpStatusCode.Conflict, "sku_taken");
    }

    [Fact]
    public async Task Customers_get_403_and_anonymous_callers_401()
    {
        var category = await SeedCategoryAsync();
        var customer = await factory.CreateCustomerClientAsync();

        var forbidden = await customer.PostAsJsonAsync(Parts, ValidBody(NewSku(), category.Slug), Ct);
        var anonymous = await factory.CreateClient().PostAsJsonAsync(Parts, ValidBody(NewSku(), category.Slug), Ct);

        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_machine_client_with_catalog_write_scope_creates_parts()
    {
        var category = await SeedCategoryAsync();
        var admin = await factory.CreateAdminClientAsync();
        var machine = await admin.CreateMachineClientAsync("pim-" + Guid.NewGuid().ToString("N")[..8], "catalog:write");
        var token = await factory.CreateClient().GetAccessTokenAsync(machine);

        var response = await factory.CreateBearerClient(token).PostAsJsonAsync(Parts, ValidBody(NewSku(), category.Slug), Ct);

        await response.AssertJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Put_and_patch_without_if_match_get_428_and_with_a_stale_etag_412()
    {
        var (client, id, etag, body) = await CreatePartAsync();

        var put = await client.PutAsJsonAsync($"{Parts}/{id}", body, Ct);
        var patch = await SendPatchAsync(client, id, """{"name":"New"}""", ifMatch: null);
        var stalePut = await SendAsync(client, HttpMethod.Put, id, JsonSerializer.Serialize(body), "\"AAAAAAAAAAA\"");
        var stalePatch = await SendPatchAsync(client, id, """{"name":"New"}""", "\"AAAAAAAAAAA\"");

        await put.AssertProblemAsync(HttpStatusCode.PreconditionRequired, "precondition_required");
        await patch.AssertProblemAsync(HttpStatusCode.PreconditionRequired, "precondition_required");
        await stalePut.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        await stalePatch.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.NotEqual("\"AAAAAAAAAAA\"", etag);
    }

    [Fact]
    public async Task Put_with_a_fresh_etag_replaces_the_part_and_returns_a_new_etag()
    {
        var (client, id, etag, body) = await CreatePartAsync();
        body["name"] = JsonSerializer.SerializeToElement("Replaced name");
        body["price"] = JsonSerializer.SerializeToElement(new { amount = 19.99m, currency = "USD" });
        body.Remove("description");

        var response = await SendAsync(client, HttpMethod.Put, id, JsonSerializer.Serialize(body), etag);

        var json = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(etag, response.Headers.ETag?.ToString());
        Assert.Equal(2, json.GetProperty("version").GetInt64());
        await using var scope = factory.Services.CreateAsyncScope();
        var part = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Part>().SingleAsync(p => p.Id == id, Ct);
        Assert.Equal("Replaced name", part.Name);
        Assert.Equal(1999, part.PriceMinor);
        Assert.Null(part.Description);
        Assert.Equal(2, part.Version);

        var reused = await SendAsync(client, HttpMethod.Put, id, JsonSerializer.Serialize(body), etag);
        await reused.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Patch_merges_members_clears_nulls_and_keeps_the_rest()
    {
        var (client, id, etag, _) = await CreatePartAsync();

        var response = await SendPatchAsync(client, id,
            """{"name":"Patched","description":null,"price":{"amount":7.25},"status":"discontinued","interchange":[{"number":"X-1","kind":"aftermarket"}]}""",
            etag);

        var json = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(etag, response.Headers.ETag?.ToString());
        Assert.Equal("Patched", json.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("description").ValueKind);
        Assert.Equal(7.25m, json.GetProperty("price").GetProperty("amount").GetDecimal());
        Assert.Equal("USD", json.GetProperty("price").GetProperty("currency").GetString());
        Assert.Equal("discontinued", json.GetProperty("status").GetString());
        Assert.Equal("X-1", Assert.Single(json.GetProperty("interchange").EnumerateArray()).GetProperty("number").GetString());
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var part = await db.Set<Part>().SingleAsync(p => p.Id == id, Ct);
        Assert.Equal(725, part.PriceMinor);
        Assert.Equal(PartStatus.Discontinued, part.Status);
        Assert.Equal(2, part.Version);
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "catalog.part_updated" && a.Target == $"part/{id}", Ct));
    }

    [Theory]
    [InlineData("""{"id":1}""", "id")]
    [InlineData("""{"version":99}""", "version")]
    [InlineData("""{"sku":"OTHER-SKU"}""", "sku")]
    public async Task Patch_cannot_change_id_version_or_sku(string patch, string field)
    {
        var (client, id, etag, _) = await CreatePartAsync();

        var response = await SendPatchAsync(client, id, patch, etag);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Patch_validates_the_merged_part()
    {
        var (client, id, etag, _) = await CreatePartAsync();

        var negative = await SendPatchAsync(client, id, """{"price":{"amount":-3}}""", etag);
        var noName = await SendPatchAsync(client, id, """{"name":null}""", etag);

        Assert.True((await negative.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("price.amount", out _));
        Assert.True((await noName.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Patch_with_a_duplicate_member_is_a_400_malformed_json_problem()
    {
        // Found by the fuzzer: the JsonObject body threw on the second "name" during validation (500).
        var (client, id, etag, _) = await CreatePartAsync();

        var response = await SendPatchAsync(client, id, """{"name":"One","name":"Two"}""", etag);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task Patch_with_an_unpaired_surrogate_escape_is_a_400_validation_problem()
    {
        // Found by the fuzzer: "\ud800" parses into the merge-patch node but not into a string (500).
        var (client, id, etag, _) = await CreatePartAsync();

        var response = await SendPatchAsync(client, id, """{"name":"a\ud800b"}""", etag);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("""{"price":{"amount":"cheap"}}""", "price.amount")]
    [InlineData("""{"status":"sold_out"}""", "status")]
    public async Task Patch_refuses_values_of_the_wrong_type(string patch, string field)
    {
        var (client, id, etag, _) = await CreatePartAsync();

        var response = await SendPatchAsync(client, id, patch, etag);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Put_returns_409_when_the_new_sku_belongs_to_another_part()
    {
        var (client, _, _, other) = await CreatePartAsync();
        var (_, id, etag, body) = await CreatePartAsync();
        body["sku"] = other["sku"];

        var response = await SendAsync(client, HttpMethod.Put, id, JsonSerializer.Serialize(body), etag);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "sku_taken");
    }

    [Fact]
    public async Task Delete_removes_an_unreferenced_part()
    {
        var (client, id, etag, _) = await CreatePartAsync();

        var withoutIfMatch = await client.DeleteAsync($"{Parts}/{id}", Ct);
        var response = await SendAsync(client, HttpMethod.Delete, id, null, etag);

        await withoutIfMatch.AssertProblemAsync(HttpStatusCode.PreconditionRequired);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<Part>().AnyAsync(p => p.Id == id, Ct));
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "catalog.part_deleted" && a.Target == $"part/{id}", Ct));
    }

    [Fact]
    public async Task Delete_discontinues_a_part_that_orders_refer_to()
    {
        using var referencing = factory.WithWebHostBuilder(b => b.ConfigureTestServices(
            s => s.AddScoped<IPartUsage, EverythingReferenced>()));
        var category = await SeedCategoryAsync();
        var client = referencing.CreateUserClient(roles: Roles.CatalogManager);
        var created = await client.PostAsJsonAsync(Parts, ValidBody(NewSku(), category.Slug), Ct);
        var id = (await created.AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var response = await SendAsync(client, HttpMethod.Delete, id, null, created.Headers.ETag!.ToString());

        var json = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("discontinued", json.GetProperty("status").GetString());
        await using var scope = referencing.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(PartStatus.Discontinued, (await db.Set<Part>().SingleAsync(p => p.Id == id, Ct)).Status);
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "catalog.part_discontinued" && a.Target == $"part/{id}", Ct));
    }

    [Fact]
    public async Task Writes_on_a_missing_part_get_404()
    {
        var client = factory.CreateUserClient(Roles.CatalogManager);

        var response = await SendPatchAsync(client, long.MaxValue, """{"name":"x"}""", "\"AAAAAAAAAAE\"");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private sealed class EverythingReferenced : IPartUsage
    {
        public Task<bool> IsReferencedAsync(long partId, CancellationToken ct) => Task.FromResult(true);
    }

    private async Task<(HttpClient Client, long Id, string ETag, Dictionary<string, JsonElement> Body)> CreatePartAsync()
    {
        var category = await SeedCategoryAsync();
        var client = factory.CreateUserClient(Roles.CatalogManager);
        var body = ValidBody(NewSku(), category.Slug);
        var response = await client.PostAsJsonAsync(Parts, body, Ct);
        var json = await response.AssertJsonAsync(HttpStatusCode.Created);
        return (client, json.GetProperty("id").GetInt64(), response.Headers.ETag!.ToString(), body);
    }

    private static Task<HttpResponseMessage> SendPatchAsync(HttpClient client, long id, string patch, string? ifMatch) =>
        SendAsync(client, HttpMethod.Patch, id, patch, ifMatch, "application/merge-patch+json");

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, long id, string? json, string? ifMatch, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, $"{Parts}/{id}");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, mediaType);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return await client.SendAsync(request, Ct);
    }

    private static string NewSku() => "SKU-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    private static Dictionary<string, JsonElement> ValidBody(string sku, string category) =>
        JsonSerializer.SerializeToElement(new
        {
            sku,
            partNumber = "PN-" + sku,
            brand = "Acme",
            category,
            name = "Oil filter",
            description = "Spin-on",
            price = new { amount = 9.99m, currency = "USD" },
        }).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private async Task<Category> SeedCategoryAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var category = new Category("Test Category " + Guid.NewGuid().ToString("N")[..10], null);
        db.Add(category);
        await db.SaveChangesAsync(Ct);
        return category;
    }
}
