using System.Net;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Catalog;

/// <summary>Search over a catalog each test builds for itself; tests isolate by their own brand, make or words.</summary>
public sealed class PartSearchTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Vehicle_filter_finds_the_parts_that_fit_that_make_model_year_and_engine()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Brake Pads");
        var make = "Make-" + seed.Tag;
        var i4 = await seed.VehicleAsync(2018, make, "Camry", "2.5L I4");
        var v6 = await seed.VehicleAsync(2018, make, "Camry", "3.5L V6");
        var later = await seed.VehicleAsync(2019, make, "Camry", "2.5L I4");
        var pads = await seed.PartAsync(brand, category, "Front pads");
        var plugs = await seed.PartAsync(brand, category, "Spark plugs");
        var wipers = await seed.PartAsync(brand, category, "Wipers");
        await seed.FitAsync(pads, i4, "Front", "Front; with sensor");
        await seed.FitAsync(pads, v6, "Front", null);
        await seed.FitAsync(plugs, v6, null, null);
        await seed.FitAsync(wipers, later, "Rear", "Heated");

        // Make and model compare without case or punctuation.
        var page = await _client.GetPageAsync($"{CatalogHttp.Parts}?make={Uri.EscapeDataString(make.ToUpperInvariant())}&model=camry&year=2018");
        Assert.Equal([pads.Id, plugs.Id], page.Ids());
        Assert.Equal("Front; with sensor", page.Items()[0].GetProperty("fitmentNote").GetString());
        Assert.Equal(JsonValueKind.Null, page.Items()[1].GetProperty("fitmentNote").ValueKind);

        var byEngine = await _client.GetPageAsync($"{CatalogHttp.Parts}?make={make}&model=Camry&year=2018&engine=3.5l%20v6");
        Assert.Equal([pads.Id, plugs.Id], byEngine.Ids());
        Assert.Equal("Front", byEngine.Items()[0].GetProperty("fitmentNote").GetString());

        var allYears = await _client.GetPageAsync($"{CatalogHttp.Parts}?make={make}&model=Camry&engine=2.5L%20I4");
        Assert.Equal([pads.Id, wipers.Id], allYears.Ids());
        Assert.Equal("Rear; Heated", allYears.Items()[1].GetProperty("fitmentNote").GetString());

        // Without a vehicle filter there is no fitment note.
        var byBrand = await _client.GetPageAsync($"{CatalogHttp.Parts}?brand={brand.Slug}");
        Assert.All(byBrand.Items(), i => Assert.Equal(JsonValueKind.Null, i.GetProperty("fitmentNote").ValueKind));
    }

    [Fact]
    public async Task Items_have_the_list_shape_with_price_image_and_zero_stock()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Rotors");
        var part = await seed.PartAsync(brand, category, "Vented rotor", 4299, "RT-77", configure: p =>
        {
            p.AddImage("https://img.test/2.jpg", null, 2);
            p.AddImage("https://img.test/1.jpg", null, 1);
        });

        var response = await _client.GetAsync($"{CatalogHttp.Parts}?brand={brand.Slug}", TestContext.Current.CancellationToken);
        var page = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("public, max-age=60", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var item = Assert.Single(page.Items());
        Assert.Equal(part.Id, item.GetProperty("id").GetInt64());
        Assert.Equal(part.Sku, item.GetProperty("sku").GetString());
        Assert.Equal("RT-77", item.GetProperty("partNumber").GetString());
        Assert.Equal(brand.Name, item.GetProperty("brand").GetString());
        Assert.Equal(category.Name, item.GetProperty("category").GetString());
        Assert.Equal("Vented rotor", item.GetProperty("name").GetString());
        Assert.Equal(42.99m, item.GetProperty("price").GetProperty("amount").GetDecimal());
        Assert.Equal("USD", item.GetProperty("price").GetProperty("currency").GetString());
        Assert.Equal(0, item.GetProperty("availableQuantity").GetInt32());
        Assert.Equal("https://img.test/1.jpg", item.GetProperty("imageUrl").GetString());
    }

    [Theory]
    [InlineData("1899")]
    [InlineData("3000")]
    [InlineData("20x8")]
    [InlineData("-2018")]
    public async Task Year_outside_1900_to_next_year_or_not_a_number_is_400(string year)
    {
        var response = await _client.GetAsync($"{CatalogHttp.Parts}?make=Toyota&model=Camry&year={year}", TestContext.Current.CancellationToken);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("year", out _));
    }

    [Fact]
    public async Task Next_year_is_accepted_and_unknown_make_or_model_is_200_empty()
    {
        var nextYear = DateTime.UtcNow.Year + 1;
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?make=Toyota&model=Camry&year={nextYear}")).Items());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?make=NoSuchMake{Guid.NewGuid():N}&model=Camry")).Items());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?make=Toyota&model=NoSuchModel&year=2018")).Items());
    }

    [Theory]
    [InlineData("minPrice=abc")]
    [InlineData("maxPrice=-1")]
    [InlineData("minPrice=1e3")]
    [InlineData("minPrice=20&maxPrice=10")]
    [InlineData("inStock=maybe")]
    [InlineData("sort=cheapest")]
    [InlineData("limit=-1")]
    [InlineData("limit=ten")]
    [InlineData("q=%22%20*%20-")]
    [InlineData("partNumber=--")]
    public async Task Garbage_query_values_are_our_400_validation_problem(string query)
    {
        var response = await _client.GetAsync($"{CatalogHttp.Parts}?{query}", TestContext.Current.CancellationToken);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Part_number_matches_ignoring_case_and_punctuation_and_via_interchange_and_supersession()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Pads");
        var own = await seed.PartAsync(brand, category, "Own number", partNumber: "BP-1234");
        var crossed = await seed.PartAsync(brand, category, "Cross referenced", partNumber: $"X-{seed.Tag}");
        var replacing = await seed.PartAsync(brand, category, "New design", partNumber: $"N-{seed.Tag}");
        await seed.AddAsync(new Interchange(crossed.Id, $"04465-{seed.Tag}", "Toyota", InterchangeKind.Oem));
        await seed.AddAsync(new Supersession($"OLD-{seed.Tag}", null, replacing.Id, null, null));

        Assert.Equal([own.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?partNumber=bp1234")).Ids());
        Assert.Equal([own.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?partNumber=BP%201234")).Ids());
        Assert.Equal([crossed.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?partNumber=04465{seed.Tag}")).Ids());
        Assert.Equal([replacing.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?partNumber=old_{seed.Tag.ToUpperInvariant()}")).Ids());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?partNumber=NOPE{seed.Tag}")).Items());
    }

    [Fact]
    public async Task Full_text_finds_parts_by_name_brand_description_and_part_number()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync("Brand " + seed.Word("acme"));
        var other = await seed.BrandAsync("Other " + seed.Tag);
        var category = await seed.CategoryAsync("Filters");
        var byName = await seed.PartAsync(other, category, $"Oil filter {seed.Word("quiet")}");
        var byBrand = await seed.PartAsync(brand, category, "Air filter");
        var byDescription = await seed.PartAsync(other, category, "Cabin filter", description: $"Carbon layer {seed.Word("odour")} blocking.");
        var byNumber = await seed.PartAsync(other, category, "Fuel filter", partNumber: $"FF-{seed.Tag}");

        Assert.Equal([byName.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("QUIET")}")).Ids());
        Assert.Equal([byBrand.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("acme")}")).Ids());
        Assert.Equal([byDescription.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q=carbon%20{seed.Word("odour")}")).Ids());
        Assert.Equal([byNumber.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q=FF{seed.Tag}")).Ids());
        Assert.Equal([byNumber.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q=ff-{seed.Tag}")).Ids());

        // Every word must match; words are prefixes.
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?q=diesel%20{seed.Word("quiet")}")).Items());
        Assert.Equal([byName.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("quiet")[..^2]}")).Ids());

        // FTS syntax in the text is searched for, never executed.
        var injected = await _client.GetPageAsync($"{CatalogHttp.Parts}?q={Uri.EscapeDataString($"{seed.Word("quiet")}\" * ^ : ( ) ' & | ! -")}");
        Assert.Equal([byName.Id], injected.Ids());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?q={Uri.EscapeDataString($"{seed.Word("quiet")}\" OR name:* NEAR(")}")).Items());
    }

    [Fact]
    public async Task On_postgres_a_misspelt_word_finds_similar_parts_only_when_nothing_matches_exactly()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync("Brand " + seed.Tag);
        var category = await seed.CategoryAsync("Brakes");
        var tag = seed.Word("caliper");
        var pads = await seed.PartAsync(brand, category, $"Ceramic brake pads {tag}");
        await seed.PartAsync(brand, category, $"Wiper blade {tag}");

        var misspelt = await _client.GetPageAsync($"{CatalogHttp.Parts}?q=ceramik%20{tag}");
        var exact = await _client.GetPageAsync($"{CatalogHttp.Parts}?q=ceramic%20{tag}");
        var unlike = await _client.GetPageAsync($"{CatalogHttp.Parts}?q=alternator%20{tag}");

        Assert.Equal([pads.Id], exact.Ids());
        // SQLite keeps the strict match; PostgreSQL falls back to trigram similarity (pg_trgm) for every word.
        Assert.Equal(AxleFactory.IsPostgres ? [pads.Id] : [], misspelt.Ids());
        Assert.Empty(unlike.Items());
    }

    [Fact]
    public async Task Full_text_index_follows_part_updates_deletes_and_brand_renames()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Gaskets");
        var part = await seed.PartAsync(brand, category, "Gasket", description: $"Old {seed.Word("before")} text");
        var gone = await seed.PartAsync(brand, category, $"Gasket {seed.Word("gone")}");
        var ct = TestContext.Current.CancellationToken;

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var tracked = await db.Set<Part>().SingleAsync(p => p.Id == part.Id, ct);
            tracked.Describe($"New {seed.Word("after")} text", 0, false, null, null, null, null);
            tracked.SetPartNumber($"GK-{seed.Word("renumbered")}");
            tracked.Touch(DateTime.UtcNow);
            await db.SaveChangesAsync(ct);
            await db.Set<Part>().Where(p => p.Id == gone.Id).ExecuteDeleteAsync(ct);
            await db.Set<Brand>().Where(b => b.Id == brand.Id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Name, "Renamed " + seed.Word("brand")), ct);
            await CatalogCache.InvalidateAsync(scope.ServiceProvider, ct);
        }

        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("before")}")).Items());
        Assert.Equal([part.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("after")}")).Ids());
        Assert.Equal([part.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("renumbered")}")).Ids());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("gone")}")).Items());
        Assert.Equal([part.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q=renamed%20{seed.Word("brand")}")).Ids());
    }

    [Fact]
    public async Task Relevance_puts_an_exact_part_number_first_and_is_the_default_with_q()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Belts");
        var mention = await seed.PartAsync(brand, category, "Belt tensioner", description: $"Pairs with {seed.Word("kb")}.");
        var exact = await seed.PartAsync(brand, category, "Serpentine belt", partNumber: seed.Word("kb"));

        var page = await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("kb")}");
        Assert.Equal([exact.Id, mention.Id], page.Ids());
        Assert.Equal([mention.Id, exact.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?q={seed.Word("kb")}&sort=name")).Ids());
    }

    [Fact]
    public async Task Category_matches_slug_or_name_and_a_parent_includes_its_children()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var parent = await seed.CategoryAsync("Brakes");
        var child = await seed.CategoryAsync("Brake Pads", parent.Id);
        var grandchild = await seed.CategoryAsync("Pad Shims", child.Id);
        var other = await seed.CategoryAsync("Lighting");
        var a = await seed.PartAsync(brand, parent, "A caliper");
        var b = await seed.PartAsync(brand, child, "B pads");
        var c = await seed.PartAsync(brand, grandchild, "C shims");
        await seed.PartAsync(brand, other, "D bulb");

        Assert.Equal([a.Id, b.Id, c.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?category={parent.Slug}")).Ids());
        Assert.Equal([b.Id, c.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?category={Uri.EscapeDataString(child.Name)}")).Ids());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?category=nothing-{seed.Tag}")).Items());
    }

    [Fact]
    public async Task Brand_matches_slug_or_name()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync("Bosch " + seed.Tag);
        var other = await seed.BrandAsync("Denso " + seed.Tag);
        var category = await seed.CategoryAsync("Plugs");
        var mine = await seed.PartAsync(brand, category, "Plug");
        await seed.PartAsync(other, category, "Plug");

        Assert.Equal([mine.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?brand={brand.Slug}")).Ids());
        Assert.Equal([mine.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?brand={Uri.EscapeDataString(brand.Name.ToUpperInvariant())}")).Ids());
    }

    [Fact]
    public async Task In_stock_finds_nothing_until_inventory_exists_and_prices_filter_in_minor_units()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Bulbs");
        var cheap = await seed.PartAsync(brand, category, "A", 999);
        var mid = await seed.PartAsync(brand, category, "B", 1999);
        var dear = await seed.PartAsync(brand, category, "C", 2000);

        var url = $"{CatalogHttp.Parts}?brand={brand.Slug}";
        Assert.Empty((await _client.GetPageAsync(url + "&inStock=true")).Items());
        Assert.Equal(3, (await _client.GetPageAsync(url + "&inStock=false")).Items().Count);
        Assert.Equal([mid.Id, dear.Id], (await _client.GetPageAsync(url + "&minPrice=10")).Ids());
        Assert.Equal([cheap.Id, mid.Id], (await _client.GetPageAsync(url + "&maxPrice=19.99")).Ids());
        Assert.Equal([mid.Id], (await _client.GetPageAsync(url + "&minPrice=19.99&maxPrice=19.999")).Ids());
        Assert.Equal([cheap.Id], (await _client.GetPageAsync(url + "&minPrice=9.99&maxPrice=9.99")).Ids());
    }

    [Fact]
    public async Task Sorts_order_by_name_price_descending_price_and_newest_with_id_breaking_ties()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Hoses");
        var t = DateTime.UtcNow;
        var b = await seed.PartAsync(brand, category, "Bravo", 500, createdAt: t.AddDays(-3));
        var a = await seed.PartAsync(brand, category, "Alpha", 700, createdAt: t.AddDays(-1));
        var c1 = await seed.PartAsync(brand, category, "Charlie", 500, createdAt: t.AddDays(-2));
        var c2 = await seed.PartAsync(brand, category, "Charlie", 900, createdAt: t.AddDays(-2));

        var url = $"{CatalogHttp.Parts}?brand={brand.Slug}";
        Assert.Equal([a.Id, b.Id, c1.Id, c2.Id], (await _client.GetPageAsync(url)).Ids());
        Assert.Equal([a.Id, b.Id, c1.Id, c2.Id], (await _client.GetPageAsync(url + "&sort=name")).Ids());
        Assert.Equal([b.Id, c1.Id, a.Id, c2.Id], (await _client.GetPageAsync(url + "&sort=price")).Ids());
        Assert.Equal([c2.Id, a.Id, c1.Id, b.Id], (await _client.GetPageAsync(url + "&sort=-price")).Ids());
        Assert.Equal([a.Id, c2.Id, c1.Id, b.Id], (await _client.GetPageAsync(url + "&sort=newest")).Ids());
    }

    [Theory]
    [InlineData("name")]
    [InlineData("price")]
    [InlineData("-price")]
    [InlineData("newest")]
    [InlineData("relevance")]
    public async Task Walking_all_pages_has_no_duplicates_or_gaps_even_when_parts_are_inserted_meanwhile(string sort)
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Mounts");
        var word = seed.Word("mount");
        var t = DateTime.UtcNow;
        var original = new List<long>();
        for (var i = 0; i < 9; i++)
        {
            // Repeated names, prices and times, so the id tie-breaker does real work.
            var part = await seed.PartAsync(brand, category, $"{(char)('A' + (i % 3))} {word}", 1000 + (i % 4 * 100),
                partNumber: i == 4 ? word : null, createdAt: t.AddMinutes(-(i % 2)));
            original.Add(part.Id);
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"{CatalogHttp.Parts}?q={word}&brand={brand.Slug}&sort={sort}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await _client.GetPageAsync(url);
            seen.AddRange(page.Ids());
            cursor = page.NextCursor();
            if (++pages == 2)
            {
                // New parts sorting both before and after the current position.
                original.Add((await seed.PartAsync(brand, category, $"A {word}", 900, createdAt: t.AddHours(1))).Id);
                original.Add((await seed.PartAsync(brand, category, $"Z {word}", 5000, createdAt: t.AddHours(-1))).Id);
            }
        }
        while (cursor is not null && pages < 20);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(original.Take(9).Except(seen));
        Assert.Empty(seen.Except(original));
    }

    [Fact]
    public async Task Limit_above_100_gives_100_and_link_points_to_the_next_page()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Clips");
        await seed.AddRangeAsync(Enumerable.Range(0, 101).Select(i =>
            new Part($"SKU-{seed.Tag}-{i}", $"CL-{seed.Tag}-{i}", brand.Id, category.Id, $"Clip {i:D3}", 100, "USD", DateTime.UtcNow)));

        var response = await _client.GetAsync($"{CatalogHttp.Parts}?brand={brand.Slug}&limit=1000", TestContext.Current.CancellationToken);
        var page = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(100, page.Items().Count);
        var link = Assert.Single(response.Headers.GetValues("Link"));
        Assert.Contains("cursor=" + page.NextCursor(), link, StringComparison.Ordinal);
        var last = await _client.GetPageAsync(link[1..link.IndexOf('>', StringComparison.Ordinal)]);
        Assert.Equal("Clip 100", Assert.Single(last.Items()).GetProperty("name").GetString());
        Assert.Null(last.NextCursor());
    }

    [Fact]
    public async Task Garbage_cursor_and_a_cursor_reused_with_other_filters_or_sort_are_400()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Caps");
        for (var i = 0; i < 3; i++)
        {
            await seed.PartAsync(brand, category, $"Cap {i}", 100 * (i + 1));
        }

        var first = await _client.GetPageAsync($"{CatalogHttp.Parts}?brand={brand.Slug}&limit=1");
        var cursor = first.NextCursor();
        Assert.NotNull(cursor);
        var ct = TestContext.Current.CancellationToken;

        await (await _client.GetAsync($"{CatalogHttp.Parts}?brand={brand.Slug}&limit=1&cursor=not-a-cursor", ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor");
        await (await _client.GetAsync($"{CatalogHttp.Parts}?brand={brand.Slug}&limit=1&maxPrice=50&cursor={cursor}", ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "cursor_mismatch");
        await (await _client.GetAsync($"{CatalogHttp.Parts}?brand={brand.Slug}&limit=1&sort=price&cursor={cursor}", ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "cursor_mismatch");

        // Same filters spelled differently (brand by name, another limit) keep the cursor valid.
        var second = await _client.GetPageAsync($"{CatalogHttp.Parts}?brand={Uri.EscapeDataString(brand.Name)}&limit=5&cursor={cursor}");
        Assert.Equal(2, second.Items().Count);
    }

    [Fact]
    public async Task Vin_filter_finds_parts_for_the_vehicle_its_pattern_names()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Filters");
        var vehicle = await seed.VehicleAsync(2018, "Make" + seed.Tag, "Sedan");
        var otherYear = await seed.VehicleAsync(2019, "Make" + seed.Tag, "Sedan");
        var prefix = UniquePrefix();
        await seed.AddAsync(new VinPattern(prefix, 2018, vehicle.Id));
        await seed.AddAsync(new VinPattern(prefix, 2019, otherYear.Id));
        var fits = await seed.PartAsync(brand, category, "Fits 2018");
        var other = await seed.PartAsync(brand, category, "Fits 2019");
        await seed.FitAsync(fits, vehicle, "Front", null);
        await seed.FitAsync(other, otherYear, "Front", null);

        var page = await _client.GetPageAsync($"{CatalogHttp.Parts}?vin={Vin(prefix, 'J')}");
        Assert.Equal([fits.Id], page.Ids());
        Assert.Equal("Front", page.Items()[0].GetProperty("fitmentNote").GetString());

        // Lower case is accepted; a valid VIN the catalog does not know gives an empty page.
        Assert.Equal([fits.Id], (await _client.GetPageAsync($"{CatalogHttp.Parts}?vin={Vin(prefix, 'J').ToLowerInvariant()}")).Ids());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?vin={Vin(prefix, 'L')}")).Items());
        Assert.Empty((await _client.GetPageAsync($"{CatalogHttp.Parts}?vin={Vin(UniquePrefix(), 'J')}")).Items());
    }

    [Theory]
    [InlineData("1HGCM82643A004352", "check digit")]
    [InlineData("1HGCM82633AOO4352", "I, O and Q")]
    [InlineData("1HGCM82633A00435", "17 characters")]
    public async Task Invalid_vin_is_400_naming_the_reason(string vin, string reason)
    {
        var response = await _client.GetAsync($"{CatalogHttp.Parts}?vin={vin}", TestContext.Current.CancellationToken);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var messages = problem.GetProperty("errors").GetProperty("vin").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains(messages, m => m!.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_etag_gives_304_on_if_none_match_and_changes_when_the_page_changes()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Lamps");
        await seed.PartAsync(brand, category, "Lamp");
        var url = $"{CatalogHttp.Parts}?brand={brand.Slug}";
        var ct = TestContext.Current.CancellationToken;

        var first = await _client.GetAsync(url, ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(etag);
        var notModified = await _client.SendAsync(conditional, ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);

        await seed.PartAsync(brand, category, "Lamp 2");
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        var changed = await _client.SendAsync(again, ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task List_etag_is_stable_across_requests_for_a_page_with_a_next_cursor()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Horns");
        for (var i = 0; i < 3; i++)
        {
            await seed.PartAsync(brand, category, $"Horn {i}");
        }

        // A signed-in client bypasses the output cache, so the handler computes the ETag each time.
        var client = factory.CreateUserClient("customer");
        var url = $"{CatalogHttp.Parts}?brand={brand.Slug}&limit=2";
        var ct = TestContext.Current.CancellationToken;
        var first = await client.GetAsync(url, ct);
        var second = await client.GetAsync(url, ct);
        Assert.NotNull((await first.AssertJsonAsync(HttpStatusCode.OK)).NextCursor());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional, ct)).StatusCode);

        var other = await client.GetAsync($"{CatalogHttp.Parts}?brand={brand.Slug}&limit=2&sort=-price", ct);
        Assert.NotEqual(first.Headers.ETag, other.Headers.ETag);
    }

    [Fact]
    public async Task Anonymous_responses_are_cached_until_catalog_cache_invalidate_is_called()
    {
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Relays");
        var first = await seed.PartAsync(brand, category, "Relay A");
        var url = $"{CatalogHttp.Parts}?brand={brand.Slug}";
        Assert.Equal([first.Id], (await _client.GetPageAsync(url)).Ids());

        var second = await seed.AddAsync(new Part($"SKU-{seed.Tag}-b", $"RL-{seed.Tag}", brand.Id, category.Id, "Relay B", 100, "USD",
            DateTime.UtcNow), invalidateCache: false);
        Assert.Equal([first.Id], (await _client.GetPageAsync(url)).Ids());

        // A signed-in caller is never served from the shared cache.
        var staff = factory.CreateUserClient("catalog_manager");
        Assert.Equal([first.Id, second.Id], (await staff.GetPageAsync(url)).Ids());

        await CatalogCache.InvalidateAsync(factory.Services, TestContext.Current.CancellationToken);
        Assert.Equal([first.Id, second.Id], (await _client.GetPageAsync(url)).Ids());
    }

    private static string UniquePrefix()
    {
        // WMI "1HG", four characters, and a letter in position 7 so the year code reads in the 2010-2039 cycle.
        const string allowed = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        var random = Random.Shared;
        var middle = new string([.. Enumerable.Range(0, 3).Select(_ => allowed[random.Next(allowed.Length)])]);
        return "1HG" + middle + "ABCDEFGHJKLMNPRSTUVWXYZ"[random.Next(23)] + allowed[random.Next(allowed.Length)];
    }

    private static string Vin(string prefix, char yearCode)
    {
        var vin = prefix + "0" + yearCode + "A123456";
        return prefix + VinDecoder.ComputeCheckDigit(vin) + vin[9..];
    }
}
