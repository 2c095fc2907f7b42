using System.Net;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Catalog;

public sealed class PartDetailTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Detail_has_attributes_images_documents_fitment_ranges_interchange_and_supersession()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var parent = await seed.CategoryAsync("Brakes");
        var category = await seed.CategoryAsync("Brake Pads", parent.Id);
        var part = await seed.PartAsync(brand, category, "Ceramic pads, front", 5499, "BP-9", "Low dust.", configure: p =>
        {
            p.Describe("Low dust.", 1500, true, 1200, 150, 100, 40);
            p.AddAttribute("Friction Material", "Ceramic");
            p.AddAttribute("Warranty", "2", AttributeType.Number, "years");
            p.AddImage("https://img.test/b.jpg", "Installed", 1);
            p.AddImage("https://img.test/a.jpg", "Front view", 0);
            p.AddDocument("https://docs.test/install.pdf", "Installation guide", DocumentType.InstallationManual, 250_000);
        });
        var old = await seed.PartAsync(brand, category, "Old pads", partNumber: "BP-8");
        var make = "Make" + seed.Tag;
        foreach (var year in new[] { 2016, 2017, 2018, 2020 })
        {
            await seed.FitAsync(part, await seed.VehicleAsync(year, make, "Camry", "2.5L I4"), "Front", "With sensor", 2);
        }

        await seed.FitAsync(part, await seed.VehicleAsync(2017, make, "Camry", "3.5L V6"), "Front", null, 2);
        await seed.AddAsync(new Interchange(part.Id, "04465-33450", "Toyota", InterchangeKind.Oem));
        await seed.AddAsync(new Interchange(part.Id, "D1222", "Akebono", InterchangeKind.Aftermarket));
        await seed.AddAsync(new Supersession("BP-7", null, part.Id, null, null));
        await seed.AddAsync(new Supersession("BP-8", old.Id, part.Id, null, null));

        var response = await _client.GetAsync($"{CatalogHttp.Parts}/{part.Id}", TestContext.Current.CancellationToken);
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("public, max-age=60", response.Headers.CacheControl?.ToString());
        Assert.Equal(part.Id, body.GetProperty("id").GetInt64());
        Assert.Equal("BP-9", body.GetProperty("partNumber").GetString());
        Assert.Equal(brand.Name, body.GetProperty("brand").GetString());
        Assert.Equal(category.Name, body.GetProperty("category").GetProperty("name").GetString());
        Assert.Equal(category.Slug, body.GetProperty("category").GetProperty("slug").GetString());
        Assert.Equal(parent.Name, body.GetProperty("category").GetProperty("parent").GetString());
        Assert.Equal("Low dust.", body.GetProperty("description").GetString());
        Assert.Equal(54.99m, body.GetProperty("price").GetProperty("amount").GetDecimal());
        Assert.Equal(15m, body.GetProperty("coreCharge").GetProperty("amount").GetDecimal());
        Assert.True(body.GetProperty("hazmat").GetBoolean());
        Assert.Equal(1200, body.GetProperty("weightGrams").GetInt32());
        Assert.Equal(150, body.GetProperty("dimensions").GetProperty("lengthMm").GetInt32());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("availableQuantity").GetInt32());

        var attribute = body.GetProperty("attributes")[1];
        Assert.Equal(("Warranty", "2", "number", "years"), (attribute.GetProperty("name").GetString(), attribute.GetProperty("value").GetString(),
            attribute.GetProperty("type").GetString(), attribute.GetProperty("unit").GetString()));
        Assert.Equal(["https://img.test/a.jpg", "https://img.test/b.jpg"],
            body.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("url").GetString()));
        var document = Assert.Single(body.GetProperty("documents").EnumerateArray());
        Assert.Equal("Installation guide", document.GetProperty("title").GetString());
        Assert.Equal("installation_manual", document.GetProperty("type").GetString());
        Assert.Equal(250_000, document.GetProperty("sizeBytes").GetInt64());

        var fitments = body.GetProperty("fitments").EnumerateArray()
            .Select(f => $"{f.GetProperty("yearFrom").GetInt32()}-{f.GetProperty("yearTo").GetInt32()} {f.GetProperty("make").GetString()} " +
                $"{f.GetProperty("model").GetString()} {f.GetProperty("engine").GetString()} {f.GetProperty("position").GetString()} " +
                $"x{f.GetProperty("quantity").GetInt32()} {f.GetProperty("notes").GetString()}")
            .ToList();
        Assert.Equal(3, fitments.Count);
        Assert.Equal(3, body.GetProperty("fitmentCount").GetInt32());
        Assert.Contains($"2016-2018 {make} Camry 2.5L I4 Front x2 With sensor", fitments);
        Assert.Contains($"2020-2020 {make} Camry 2.5L I4 Front x2 With sensor", fitments);
        Assert.Contains($"2017-2017 {make} Camry 3.5L V6 Front x2 ", fitments);

        Assert.Equal(["04465-33450 Toyota oem", "D1222 Akebono aftermarket"], body.GetProperty("interchange").EnumerateArray()
            .Select(i => $"{i.GetProperty("number").GetString()} {i.GetProperty("brand").GetString()} {i.GetProperty("kind").GetString()}"));
        var supersession = body.GetProperty("supersession");
        Assert.Equal(["BP-7", "BP-8"], supersession.GetProperty("replaces").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(JsonValueKind.Null, supersession.GetProperty("replacedBy").ValueKind);

        // The old part points at its replacement.
        var oldBody = await (await _client.GetAsync($"{CatalogHttp.Parts}/{old.Id}", TestContext.Current.CancellationToken))
            .AssertJsonAsync(HttpStatusCode.OK);
        var replacedBy = oldBody.GetProperty("supersession").GetProperty("replacedBy");
        Assert.Equal(part.Id, replacedBy.GetProperty("id").GetInt64());
        Assert.Equal("BP-9", replacedBy.GetProperty("partNumber").GetString());
    }

    [Fact]
    public async Task Detail_etag_is_the_part_version_and_if_none_match_gives_304()
    {
        var seed = new CatalogSeed(factory);
        var part = await seed.PartAsync(await seed.BrandAsync(), await seed.CategoryAsync("Fuses"), "Fuse");
        var ct = TestContext.Current.CancellationToken;

        var first = await _client.GetAsync($"{CatalogHttp.Parts}/{part.Id}", ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"AAAAAAAAAAE\"", first.Headers.ETag?.Tag);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{CatalogHttp.Parts}/{part.Id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", "\"AAAAAAAAAAE\"");
        var notModified = await _client.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(ct));
    }

    [Theory]
    [InlineData("999999999")]
    [InlineData("abc")]
    [InlineData("99999999999999999999999")]
    [InlineData("-1")]
    public async Task Unknown_or_non_numeric_id_is_404_problem(string id)
    {
        var response = await _client.GetAsync($"{CatalogHttp.Parts}/{id}", TestContext.Current.CancellationToken);
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_part_that_fits_more_vehicles_than_the_detail_lists_shows_the_first_ones_and_counts_them_all()
    {
        var seed = new CatalogSeed(factory);
        var part = await seed.PartAsync(await seed.BrandAsync(), await seed.CategoryAsync("Oil Filters"), "Oil filter");
        var make = "Make" + seed.Tag;
        var vehicles = Enumerable.Range(0, GetPart.MaxFitments + 5)
            .Select(i => new Vehicle(2020, make, $"Model {i:D3}", null, "2.0L I4", null)).ToList();
        await seed.AddRangeAsync(vehicles);
        await seed.AddRangeAsync(vehicles.Select(v => new Fitment(part.Id, v.Id, null, 1, null)));

        var response = await _client.GetAsync($"{CatalogHttp.Parts}/{part.Id}", TestContext.Current.CancellationToken);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        var models = body.GetProperty("fitments").EnumerateArray().Select(f => f.GetProperty("model").GetString()).ToList();
        Assert.Equal(GetPart.MaxFitments, models.Count);
        Assert.Equal("Model 000", models[0]);
        Assert.Equal($"Model {GetPart.MaxFitments - 1:D3}", models[^1]);
        Assert.Equal(GetPart.MaxFitments + 5, body.GetProperty("fitmentCount").GetInt32());
    }
}
