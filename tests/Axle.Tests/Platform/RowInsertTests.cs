using Axle.Api.Features.Audit;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Platform;

/// <summary>
/// <see cref="RowInsert"/> stores rows exactly as SaveChanges would (conversions included) on both databases, inside the
/// caller's transaction, and refuses entities it cannot write faithfully.
/// </summary>
public sealed class RowInsertTests(PlatformFactory factory) : IClassFixture<PlatformFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rows_of_several_types_read_back_through_ef_core_as_they_were_written()
    {
        var now = new DateTime(2026, 12, 8, 1, 2, 3, 456, DateTimeKind.Utc).AddTicks(7);
        var reservation = new Reservation(Guid.CreateVersion7(), "order", "o-1", "user:42", now, now.AddMinutes(15));
        var message = Outbox.Create("test.row_insert", new { reservation.Id, note = "ünïcode ✓" }, now);
        var entry = new AuditEntry(now, "user", "42", "test.row_insert", $"reservation/{reservation.Id}", "127.0.0.1",
            AuditOutcome.Denied, """{"why":"test"}""", "trace-1");

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            await RowInsert.AddAsync(db, [reservation, message, entry], Ct);
            await transaction.CommitAsync(Ct);
        }

        await using var read = factory.Services.CreateAsyncScope();
        var check = read.ServiceProvider.GetRequiredService<AppDbContext>();
        var stored = await check.Set<Reservation>().AsNoTracking().SingleAsync(r => r.Id == reservation.Id, Ct);
        Assert.Equal(ReservationStatus.Held, stored.Status);
        Assert.Equal(("order", "o-1", "user:42"), (stored.ReferenceType, stored.ReferenceId, stored.Actor));
        Assert.Equal(now.AddMinutes(15), stored.ExpiresAt, TimeSpan.FromMilliseconds(1));
        Assert.Null(stored.ClosedAt);
        Assert.Equal(1, stored.Version);
        var storedMessage = await check.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == message.Id, Ct);
        Assert.Equal(message.Payload, storedMessage.Payload);
        Assert.Equal("test.row_insert", storedMessage.Type);
        var storedEntry = await check.Set<AuditEntry>().AsNoTracking().SingleAsync(a => a.Target == $"reservation/{reservation.Id}", Ct);
        Assert.Equal(AuditOutcome.Denied, storedEntry.Outcome);
        Assert.Equal(("user", "42", "127.0.0.1", "trace-1"), (storedEntry.ActorType, storedEntry.ActorId, storedEntry.Ip, storedEntry.TraceId));
        Assert.True(storedEntry.Id > 0);
    }

    [Fact]
    public async Task Rows_inserted_in_a_transaction_that_rolls_back_are_gone()
    {
        var now = DateTime.UtcNow;
        var reservation = new Reservation(Guid.CreateVersion7(), null, null, "user:7", now, now.AddMinutes(15));
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            await RowInsert.AddAsync(db, [reservation], Ct);
            await transaction.RollbackAsync(Ct);
        }

        await using var read = factory.Services.CreateAsyncScope();
        Assert.False(await read.ServiceProvider.GetRequiredService<AppDbContext>().Set<Reservation>().AnyAsync(r => r.Id == reservation.Id, Ct));
    }

    [Fact]
    public async Task Rows_outside_a_transaction_are_refused()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTime.UtcNow;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RowInsert.AddAsync(db, [new Reservation(Guid.CreateVersion7(), null, null, "user:7", now, now)], Ct));
    }
}
