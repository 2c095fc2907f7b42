using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Axle.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Returns;

/// <summary>Delivered orders to return: parts with stock, checkout through the API, then the order set to delivered.</summary>
internal sealed class ReturnKit(AxleFactory factory)
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CartKit Carts { get; } = new(factory);

    public HttpClient Manager { get; } = factory.CreateUserClient(Roles.OrderManager);

    public static string OrderReturns(Guid orderId) => $"/api/v1/orders/{orderId}/returns";

    public static string Return(Guid returnId, string step = "") => $"/api/v1/returns/{returnId}{(step.Length == 0 ? "" : "/" + step)}";

    /// <summary>Places an order for the lines (California: 5 % tax) and returns it as the API answered.</summary>
    public static Task<JsonElement> PlaceAsync(HttpClient customer, params (Part Part, int Quantity)[] lines) =>
        OrderKit.PlacePaidAsync(customer, "CA", lines);

    /// <summary>
    /// Places the order and marks it delivered <paramref name="daysAgo"/> days ago. Shipments are not built yet, so the
    /// status is set directly in the database (no delivered history row: the return window then counts from UpdatedAt).
    /// </summary>
    public async Task<JsonElement> DeliveredAsync(HttpClient customer, int daysAgo, params (Part Part, int Quantity)[] lines)
    {
        var order = await PlaceAsync(customer, lines);
        await SetStatusAsync(Id(order), OrderStatus.Delivered, DateTime.UtcNow.AddDays(-daysAgo));
        return order;
    }

    public async Task SetStatusAsync(Guid orderId, OrderStatus status, DateTime updatedAt)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Set<Order>().Where(o => o.Id == orderId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, status).SetProperty(o => o.UpdatedAt, updatedAt), Ct);
    }

    public static Guid Id(JsonElement resource) => resource.GetProperty("id").GetGuid();

    /// <summary>The order line of a part (kind part or core_charge).</summary>
    public static Guid Line(JsonElement order, long partId, string kind = "part") => OrderKit.Line(order, partId, kind);

    public static Task<HttpResponseMessage> RequestAsync(HttpClient customer, Guid orderId, params (Guid OrderItemId, int Quantity, string Reason)[] items) =>
        InventoryKit.PostAsync(customer, OrderReturns(orderId), new
        {
            items = items.Select(i => new { orderItemId = i.OrderItemId, quantity = i.Quantity, reason = i.Reason }),
        });

    public Task<HttpResponseMessage> StepAsync(Guid returnId, string step, object? body = null) =>
        Manager.PostAsJsonAsync(Return(returnId, step), body ?? new { }, Ct);

    public static object Receipt(long warehouseId, JsonElement rma, string condition) => new
    {
        warehouseId,
        items = rma.GetProperty("items").EnumerateArray().Select(i => new { returnItemId = i.GetProperty("id").GetGuid(), condition }),
    };

    /// <summary>Request → approve → receive with one condition for every item → refund; returns the refunded RMA.</summary>
    public async Task<JsonElement> ReturnAsync(HttpClient customer, Guid orderId, long warehouseId, string condition,
        params (Guid OrderItemId, int Quantity, string Reason)[] items)
    {
        var rma = await (await RequestAsync(customer, orderId, items)).AssertJsonAsync(HttpStatusCode.Created);
        await (await StepAsync(Id(rma), "approve")).AssertJsonAsync(HttpStatusCode.OK);
        await (await StepAsync(Id(rma), "receive", Receipt(warehouseId, rma, condition))).AssertJsonAsync(HttpStatusCode.OK);
        return await (await StepAsync(Id(rma), "refund")).AssertJsonAsync(HttpStatusCode.OK);
    }

    public async Task<JsonElement> OrderAsync(Guid orderId) =>
        await (await Manager.GetAsync($"/api/v1/orders/{orderId}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
}
