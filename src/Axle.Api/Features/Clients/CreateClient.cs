using System.ComponentModel.DataAnnotations;
using System.Buffers.Text;
using System.Security.Cryptography;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Axle.Api.Features.Clients;

public sealed record CreateClientRequest(string? Name, [property: MaxLength(MachineScopes.MaxPerClient)] IReadOnlyList<string>? Scopes);

/// <summary>The only response that ever contains the client secret.</summary>
public sealed record CreatedClient(
    string ClientId, string ClientSecret, string Name, [property: MaxLength(MachineScopes.MaxPerClient)] IReadOnlyList<string> Scopes);

internal static class CreateClient
{
    public const int MaxNameLength = 100;

    /// <summary>Machine clients at most (one per integration: suppliers, carriers, an ERP); the next is refused with 409.</summary>
    public const int MaxClients = 100;

    public static async Task<Results<Created<CreatedClient>, ValidationProblem, ProblemHttpResult>> Handle(
        CreateClientRequest request, IOpenIddictApplicationManager applications, AppDbContext db, AuditTrail audit,
        CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        var scopes = (request.Scopes ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var errors = new Dictionary<string, string[]>();
        if (name.Length is 0 or > MaxNameLength)
        {
            errors["name"] = [$"Name is required and at most {MaxNameLength} characters."];
        }

        if (scopes.Length == 0)
        {
            errors["scopes"] = ["At least one scope is required."];
        }
        else if (scopes.Where(s => !MachineScopes.IsKnown(s)).ToArray() is { Length: > 0 } unknown)
        {
            errors["scopes"] = [$"Unknown scopes: {string.Join(", ", unknown)}. Known: {string.Join(", ", MachineScopes.All)}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await applications.CountAsync(ct) >= MaxClients)
        {
            return Problems.Conflict("client_limit_reached", "Too many machine clients",
                $"There are already {MaxClients} machine clients, the most there may be; delete one that is no longer used.",
                new Dictionary<string, object?> { ["maxClients"] = MaxClients });
        }

        // The client id is ours, never the caller's choice; the secret is 256 random bits that OpenIddict stores hashed.
        var clientId = "cli_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name,
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        descriptor.Permissions.UnionWith(scopes.Select(MachineScopes.ToPermission));

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await applications.CreateAsync(descriptor, ct);
        audit.Record(db, "admin.client_created", clientId, details: new { name, scopes });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        return TypedResults.Created($"/api/v1/admin/clients/{clientId}", new CreatedClient(clientId, secret, name, scopes));
    }
}
