using System.Net.Http.Headers;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Audit;

/// <summary>Writing audit rows, chaining them and tampering with them the way a test (or an attacker with SQL) would.</summary>
internal static class AuditTestKit
{
    public static HttpClient AdminClient(this AxleFactory factory) =>
        factory.ClientWithRoles(AxleFactory.AdminEmail, Roles.Admin);

    public static HttpClient CustomerClient(this AxleFactory factory) =>
        factory.ClientWithRoles("customer@axle.test", Roles.Customer);

    public static async Task<List<long>> AppendAsync(
        this AxleFactory factory, string action, int count = 1, string? target = null, object? details = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var trail = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var entries = Enumerable.Range(0, count)
            .Select(i => trail.Record(db, action, target ?? $"part/{i}", details: details ?? new { index = i }, actorId: "tester"))
            .ToList();
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return [.. entries.Select(e => e.Id)];
    }

    public static Task<int> ChainAsync(this AxleFactory factory) =>
        factory.Services.GetRequiredService<AuditChainer>().RunOnceAsync(TestContext.Current.CancellationToken);

    public static async Task<List<AuditEntry>> ChainedAsync(this AxleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<AuditEntry>().AsNoTracking()
            .OrderBy(e => e.ChainSequence)
            .ToListAsync(TestContext.Current.CancellationToken);
    }

    public static async Task SqlAsync(this AxleFactory factory, string sql, params object[] parameters)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.ExecuteSqlRawAsync(sql, parameters, TestContext.Current.CancellationToken);
    }

    private static HttpClient ClientWithRoles(this AxleFactory factory, string email, params string[] roles)
    {
        var token = factory.Services.GetRequiredService<AccessTokenIssuer>().IssueForUser(Guid.NewGuid(), email, "Tester", roles);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }
}
