using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Axle.Tests.Returns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Returns.ReturnKit;

namespace Axle.Tests.Feedback;

public sealed class FeedbackTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private const string Aggregates = "/api/v1/admin/feedback";
    private const string Reviews = "/api/v1/admin/fitment-reviews";

    private readonly ReturnKit _kit = new(factory);

    private static string Url(JsonElement order) => $"/api/v1/orders/{Id(order)}/feedback";

    private static Task<HttpResponseMessage> PostAsync(HttpClient customer, JsonElement order, object body) =>
        customer.PostAsJsonAsync(Url(order), body, Ct);

    [Fact]
    public async Task Feedback_is_accepted_once_per_delivered_order()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 2, (part, 1));

        var given = await (await PostAsync(customer, order, new
        {
            rating = 5,
            comment = "Quick delivery.",
            items = new[] { new { orderItemId = Line(order, part.Id), rating = 4, fit = "yes" } },
        })).AssertJsonAsync(HttpStatusCode.Created);

        Assert.Equal(5, given.GetProperty("rating").GetInt32());
        Assert.Equal("yes", given.GetProperty("items")[0].GetProperty("fit").GetString());
        await (await PostAsync(customer, order, new { rating = 1 })).AssertProblemAsync(HttpStatusCode.Conflict, "feedback_exists");
    }

    [Fact]
    public async Task Feedback_before_delivery_is_409_and_others_orders_are_404()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var paid = await PlaceAsync(customer, (part, 1));

        await (await PostAsync(customer, paid, new { rating = 4 })).AssertProblemAsync(HttpStatusCode.Conflict, "order_not_delivered");
        await (await PostAsync(factory.CreateUserClient(), paid, new { rating = 4 })).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_ratings_comments_and_lines_are_400()
    {
        var part = await _kit.Carts.PartAsync(coreCharge: 2000);
        var customer = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 2, (part, 1));

        await (await PostAsync(customer, order, new { rating = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PostAsync(customer, order, new { rating = 6 })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PostAsync(customer, order, new { rating = 3, comment = new string('x', 2001) })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PostAsync(customer, order, new { rating = 3, items = new[] { new { orderItemId = Line(order, part.Id, "core_charge"), rating = 3, fit = "yes" } } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PostAsync(customer, order, new { rating = 3, items = new[] { new { orderItemId = Guid.NewGuid(), rating = 3, fit = "yes" } } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PostAsync(customer, order, new { rating = 3, items = new[] { new { orderItemId = Line(order, part.Id), rating = 3, fit = "maybe" } } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PostAsync(customer, order, new { rating = 3 })).AssertJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Did_not_fit_answers_flag_the_fitment_for_catalog_managers()
    {
        var part = await _kit.Carts.PartAsync();
        var model = _kit.Carts.Catalog.Word("Model");
        var vehicle = await _kit.Carts.Catalog.VehicleAsync(2015, "Toyota", model, "2.5L I4");
        var fitment = await _kit.Carts.Catalog.FitAsync(part, vehicle);
        var catalogManager = factory.CreateUserClient(Roles.CatalogManager);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var customer = factory.CreateUserClient();
            var order = await _kit.DeliveredAsync(customer, 2, (part, 1));
            await SetVehicleAsync(Id(order), 2015, "toyota", model, null);
            await (await PostAsync(customer, order, new { rating = 2, items = new[] { new { orderItemId = Line(order, part.Id), rating = 1, fit = "no" } } }))
                .AssertJsonAsync(HttpStatusCode.Created);
        }

        var reviews = await (await catalogManager.GetAsync($"{Reviews}?partId={part.Id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var flag = Assert.Single(reviews.GetProperty("items").EnumerateArray());
        Assert.Equal((fitment.Id, 2), (flag.GetProperty("fitmentId").GetInt64(), flag.GetProperty("noCount").GetInt32()));
        Assert.Equal($"2015 Toyota {model} 2.5L I4", flag.GetProperty("vehicle").GetString());
        await (await factory.CreateUserClient().GetAsync(Reviews, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Aggregates_count_and_average_per_part_and_brand_without_personal_data()
    {
        var part = await _kit.Carts.PartAsync();
        var secret = "My name is Jane Roe " + Guid.NewGuid();
        var userIds = new List<Guid>();
        foreach (var (rating, fit) in new[] { (4, "yes"), (2, "unsure") })
        {
            var userId = Guid.NewGuid();
            userIds.Add(userId);
            var customer = factory.CreateUserClient(userId);
            var order = await _kit.DeliveredAsync(customer, 2, (part, 1));
            await (await PostAsync(customer, order, new { rating, comment = secret, items = new[] { new { orderItemId = Line(order, part.Id), rating, fit } } }))
                .AssertJsonAsync(HttpStatusCode.Created);
        }

        var response = await _kit.Manager.GetAsync($"{Aggregates}?partId={part.Id}", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var aggregates = await response.AssertJsonAsync(HttpStatusCode.OK);
        var row = Assert.Single(aggregates.GetProperty("parts").EnumerateArray());
        Assert.Equal((2, 3.0, 1, 0, 1), (row.GetProperty("count").GetInt32(), row.GetProperty("averageRating").GetDouble(),
            row.GetProperty("fit").GetProperty("yes").GetInt32(), row.GetProperty("fit").GetProperty("no").GetInt32(),
            row.GetProperty("fit").GetProperty("unsure").GetInt32()));
        var brand = Assert.Single(aggregates.GetProperty("brands").EnumerateArray());
        Assert.Equal(2, brand.GetProperty("count").GetInt32());
        Assert.Equal((1, 1), (aggregates.GetProperty("partCount").GetInt32(), aggregates.GetProperty("brandCount").GetInt32()));
        Assert.DoesNotContain("Jane Roe", body, StringComparison.Ordinal);
        Assert.All(userIds, id => Assert.DoesNotContain(id.ToString(), body, StringComparison.OrdinalIgnoreCase));
        await (await factory.CreateUserClient().GetAsync(Aggregates, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Aggregates_list_the_most_rated_brands_up_to_the_cap_and_count_them_all()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var order = await _kit.DeliveredAsync(customer, 2, (part, 1));
        var brands = Api.Features.Feedback.FeedbackAggregates.MaxBrands + 1;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // Item rows copy part and brand; one per made-up brand (the last rated twice, so it leads the list).
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var feedback = new Api.Features.Feedback.OrderFeedback(Id(order), Guid.NewGuid(), 5, null, DateTime.UtcNow);
            foreach (var i in Enumerable.Range(0, brands).Append(brands - 1))
            {
                feedback.Rate(Guid.NewGuid(), part.Id, 900_000 + i, 4, Api.Features.Feedback.FitAnswer.Yes);
            }

            db.Add(feedback);
            await db.SaveChangesAsync(Ct);
        }

        var aggregates = await (await _kit.Manager.GetAsync($"{Aggregates}?partId={part.Id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var listed = aggregates.GetProperty("brands").EnumerateArray().Select(b => b.GetProperty("brandId").GetInt32()).ToList();
        Assert.Equal(Api.Features.Feedback.FeedbackAggregates.MaxBrands, listed.Count);
        Assert.Equal(900_000 + brands - 1, listed[0]);
        Assert.Equal(brands, aggregates.GetProperty("brandCount").GetInt32());
        Assert.Equal(1, aggregates.GetProperty("partCount").GetInt32());
    }

    /// <summary>The vehicle the customer shopped for; set directly, as checkout takes it from the cart.</summary>
    private async Task SetVehicleAsync(Guid orderId, int year, string make, string model, string? engine)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Set<Order>().Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.VehicleYear, year).SetProperty(o => o.VehicleMake, make)
            .SetProperty(o => o.VehicleModel, model).SetProperty(o => o.VehicleEngine, engine), Ct);
    }
}
