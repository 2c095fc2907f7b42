using Axle.Api.Features.Analytics;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Backups;
using Axle.Api.Features.Carts;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Clients;
using Axle.Api.Features.Feedback;
using Axle.Api.Features.Identity;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Payments;
using Axle.Api.Features.Pricing;
using Axle.Api.Features.Promotions;
using Axle.Api.Features.Shipments;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Returns;
using Axle.Api.Features.Webhooks;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Observability;
using Axle.Api.Platform.Redis;
using Axle.Api.Platform.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddAxleHosting();
builder.AddAxleObservability();
builder.AddAxleData();
builder.AddAxleHttp();
builder.AddAxlePagination();
builder.AddAxleSecurity();
builder.AddAxleRedis();
builder.AddAxleRateLimiting();
builder.AddAxleOpenApi();
builder.AddAxleMessaging();

builder.AddAudit();
builder.AddAnalytics();
builder.AddClients();
builder.AddIdentityFeature();
builder.AddCatalog();
builder.AddInventory();
builder.AddPricing();
builder.AddCarts();
builder.AddPayments();
builder.AddOrders();
builder.AddPromotions();
builder.AddShipments();
builder.AddReturns();
builder.AddFeedback();
builder.AddSuppliers();
builder.AddBackups();
builder.AddWebhooks();

var app = builder.Build();

// `dotnet run --project src/Axle.Api -- migrate` applies migrations and exits.
if (args.Contains("migrate"))
{
    await app.Services.MigrateDatabaseAsync();
    return;
}

// `dotnet run --project src/Axle.Api -- verify-audit` checks the audit hash chain; exit code 3 when broken.
if (args.Contains(AuditCommand.Name))
{
    Environment.ExitCode = await app.Services.VerifyAuditAsync(Console.Out);
    return;
}

// `dotnet run --project src/Axle.Api -- verify-stock` reconciles stock levels with the ledger; exit code 4 on drift.
if (args.Contains(InventoryCommand.Name))
{
    Environment.ExitCode = await app.Services.VerifyStockAsync(Console.Out);
    return;
}

// `dotnet run --project src/Axle.Api -- backup|restore|verify ...` (docs/operations.md); non-zero exit code on failure.
if (BackupCommand.IsInvoked(args))
{
    Environment.ExitCode = await app.Services.RunBackupCommandAsync(args, Console.Out);
    return;
}

app.UseAxleHttp();
app.UseTokenEndpointMethods();
app.UseTokenEndpointRateLimiting();
app.UseRouting();
app.UseTokenEndpoint();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAxleRequestBodyLimit();
app.UseAuthorization();
app.UseOutputCache();

app.MapOperations();
app.MapClients();
app.MapAxleOpenApi();
app.MapIdentity();

app.MapAudit();
app.MapAnalytics();
app.MapCatalog();
app.MapInventory();
app.MapCarts();
app.MapOrders();
app.MapShipments();
app.MapReturns();
app.MapFeedback();
app.MapPayments();
app.MapPromotions();
app.MapSuppliers();
app.MapBackups();
app.MapWebhooks();

await app.Services.MigrateDatabaseAsync();
await app.Services.RunStartupTasksAsync();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it.</summary>
public partial class Program;
