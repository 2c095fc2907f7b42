using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary><c>POST /api/v1/suppliers</c> (admin): the answer carries the webhook signing secret, the only time it is shown.</summary>
internal static class CreateSupplier
{
    public sealed record Request(
        [property: Required, RegularExpression(Supplier.CodePattern,
            ErrorMessage = "The code is 2-32 upper-case letters, digits, '-' and '_', starting with a letter or digit.")] string? Code,
        [property: Required, StringLength(Supplier.NameMaxLength, MinimumLength = 1)] string? Name,
        bool? Webhook,
        [property: MaxLength(Supplier.MaxWarehouses)] IReadOnlyList<string>? Warehouses,
        SupplierMapping? Mapping,
        [property: MaxLength(Supplier.MaxIpAllowList)] IReadOnlyList<string>? IpAllowList,
        bool? ApplyPrices,
        bool? AutoCorrect);

    public static async Task<Results<Created<SupplierResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, AppDbContext db, SupplierSecrets secrets, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["A name is required."];
        }

        SupplierInput.CheckMapping(request.Mapping, errors);
        var networks = SupplierInput.CheckNetworks(request.IpAllowList, errors);
        var (warehouseIds, conflict) = request.Warehouses is { Count: > 0 } codes
            ? await SupplierInput.ResolveWarehousesAsync(db, null, codes, errors, ct)
            : ([], null);
        if (conflict is not null)
        {
            return conflict;
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var code = request.Code!;
        if (await db.Set<Supplier>().AnyAsync(s => s.Code == code, ct))
        {
            return CodeTaken(code);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var secret = StandardWebhookSignature.NewSecret();
        var supplier = new Supplier(code, request.Name!.Trim(), request.Webhook ?? true, secrets.ProtectWebhookSecret(secret), now);
        supplier.SetMapping(SupplierInput.SerializeMapping(request.Mapping));
        supplier.SetIpAllowList(networks);
        supplier.SetPolicies(request.ApplyPrices ?? false, request.AutoCorrect ?? false);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(supplier);
        try
        {
            await db.SaveChangesAsync(ct);
            db.AddRange(warehouseIds!.Select(w => new SupplierWarehouse(supplier.Id, w)));
            audit.Record(db, "suppliers.created", $"supplier/{supplier.Id}", details: new { supplier.Code, request.Warehouses });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return CodeTaken(code);
        }

        var warehouses = await SupplierInput.WarehouseCodesAsync(db, supplier.Id, ct);
        return TypedResults.Created($"/api/v1/suppliers/{supplier.Id}", SupplierResponse.From(supplier, warehouses, now, secret));
    }

    private static ProblemHttpResult CodeTaken(string code) =>
        Problems.Conflict("supplier_code_taken", "Supplier code taken", $"Another supplier already has the code {code}.");
}
