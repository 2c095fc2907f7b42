using System.Diagnostics;
using System.Text.Json;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Security;

namespace Axle.Api.Features.Audit;

/// <summary>
/// Records audit entries. <see cref="Record"/> adds the row to the caller's context, so it commits (or rolls back)
/// with the change it describes; the caller's <c>SaveChangesAsync</c> writes it.
/// </summary>
public sealed class AuditTrail(IHttpContextAccessor http, TimeProvider time)
{
    public AuditEntry Record(
        AppDbContext db, string action, string? target, AuditOutcome outcome = AuditOutcome.Success,
        object? details = null, string? actorId = null, string? actorType = null)
    {
        var entry = Entry(action, target, outcome, details, actorId, actorType);
        db.Add(entry);
        return entry;
    }

    /// <summary>The entry <see cref="Record"/> adds, for a caller that writes its rows itself (<see cref="RowInsert"/>).</summary>
    public AuditEntry Entry(
        string action, string? target, AuditOutcome outcome = AuditOutcome.Success,
        object? details = null, string? actorId = null, string? actorType = null)
    {
        var context = http.HttpContext;
        var user = context?.User;
        (string Type, string? Id) actor = (context is null ? "system" : "anonymous", actorId);
        if (actorType is not null)
        {
            actor = (actorType, actorId);
        }
        else if (user?.MachineClientId() is { } client)
        {
            actor = ("client", client);
        }
        else if (user?.UserId() is { } userId)
        {
            actor = ("user", userId.ToString());
        }
        else if (actorId is not null)
        {
            actor = ("user", actorId);
        }

        return new AuditEntry(
            Microseconds(time.GetUtcNow().UtcDateTime),
            actor.Type,
            actor.Id,
            action,
            target,
            context?.Connection.RemoteIpAddress?.ToString(),
            outcome,
            details is null ? null : JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
            Activity.Current?.TraceId.ToString() ?? context?.TraceIdentifier);
    }

    // PostgreSQL keeps microseconds, SQLite keeps ticks: truncating here makes the time hashed into the chain the same
    // after a save and reload on either database.
    private static DateTime Microseconds(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
}

public static class AuditSetup
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AuditTrail>();
        builder.Services.AddScoped<AuditVerifier>();
        builder.Services.AddWorker<AuditChainer>();
        return builder;
    }
}
