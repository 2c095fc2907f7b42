using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;

namespace Axle.Api.Features.Clients;

/// <summary>A machine client as listed: never its secret.</summary>
public sealed record ClientSummary(string ClientId, string Name, [property: MaxLength(MachineScopes.MaxPerClient)] IReadOnlyList<string> Scopes);

/// <param name="Items">Every machine client, by client id: at most 100, which creation is held to.</param>
public sealed record ClientList([property: MaxLength(CreateClient.MaxClients)] IReadOnlyList<ClientSummary> Items);

internal static class ListClients
{
    public static async Task<Ok<ClientList>> Handle(IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        // Machine clients are few (one per integration, CreateClient.MaxClients at most); the manager decodes OpenIddict's
        // stored permissions for us.
        var items = new List<ClientSummary>();
        await foreach (var application in applications.ListAsync(count: CreateClient.MaxClients, offset: null, ct))
        {
            items.Add(await SummarizeAsync(applications, application, ct));
        }

        return TypedResults.Ok(new ClientList([.. items.OrderBy(c => c.ClientId, StringComparer.Ordinal)]));
    }

    internal static async Task<ClientSummary> SummarizeAsync(
        IOpenIddictApplicationManager applications, object application, CancellationToken ct) => new(
            await applications.GetClientIdAsync(application, ct) ?? "",
            await applications.GetDisplayNameAsync(application, ct) ?? "",
            MachineScopes.FromPermissions(await applications.GetPermissionsAsync(application, ct)));
}

internal static class GetClient
{
    public static async Task<Results<Ok<ClientSummary>, ProblemHttpResult>> Handle(
        string clientId, IOpenIddictApplicationManager applications, CancellationToken ct) =>
        await applications.FindByClientIdAsync(clientId, ct) is { } application
            ? TypedResults.Ok(await ListClients.SummarizeAsync(applications, application, ct))
            : Problems.NotFound("No machine client has this id.");
}
