using System.Net;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Audit;

/// <summary>A database whose audit log starts empty: no bootstrap admin, so start-up records nothing.</summary>
public sealed class EmptyAuditLogFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Bootstrap:AdminEmail"] = "",
        ["Bootstrap:AdminPassword"] = "",
    };
}

/// <summary>Each test owns a fresh database: tampering with one chain must not leak into another test.</summary>
public sealed class AuditChainTests : IAsyncLifetime
{
    private readonly AxleFactory _factory = new EmptyAuditLogFactory();

    public ValueTask InitializeAsync() => _factory.InitializeAsync();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Chainer_links_rows_in_id_order_and_verify_reports_intact()
    {
        var ids = await _factory.AppendAsync("test.chain", 5);

        Assert.Equal(5, await _factory.ChainAsync());

        var chained = await _factory.ChainedAsync();
        Assert.Equal(ids, chained.Select(e => e.Id));
        Assert.Equal([1L, 2, 3, 4, 5], chained.Select(e => e.ChainSequence!.Value));
        Assert.Equal(AuditHash.Genesis, chained[0].PreviousHash);
        for (var i = 1; i < chained.Count; i++)
        {
            Assert.Equal(chained[i - 1].Hash, chained[i].PreviousHash);
        }

        var report = await VerifyAsync();
        Assert.True(report.GetProperty("intact").GetBoolean());
        Assert.Equal(5, report.GetProperty("checkedEntries").GetInt64());
        Assert.Equal(0, report.GetProperty("unchainedEntries").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, report.GetProperty("firstBrokenSequence").ValueKind);
    }

    [Fact]
    public async Task Verify_endpoint_chains_fresh_rows_first_and_records_that_it_ran()
    {
        await _factory.AppendAsync("test.fresh", 3);

        var report = await VerifyAsync();

        Assert.True(report.GetProperty("intact").GetBoolean());
        Assert.Equal(3, report.GetProperty("checkedEntries").GetInt64());
        var entries = await _factory.ChainedAsync();
        var verified = Assert.Single(entries, e => e.Action == VerifyAuditLog.Action);
        Assert.Equal("user", verified.ActorType);
        Assert.Null(verified.ChainSequence);
    }

    [Theory]
    [InlineData("Action", "auth.login")]
    [InlineData("Target", "part/999")]
    [InlineData("Details", "{\"index\":42}")]
    public async Task Editing_a_chained_row_breaks_verification_at_that_sequence(string column, string value)
    {
        await _factory.AppendAsync("test.edit", 5);
        await _factory.ChainAsync();

        await _factory.SqlAsync($"UPDATE audit_log SET \"{column}\" = {{0}} WHERE \"ChainSequence\" = 3", value);

        var report = await VerifyAsync();
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.Equal(3, report.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(2, report.GetProperty("checkedEntries").GetInt64());
        Assert.Contains("hash", report.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_middle_row_breaks_verification_where_it_was()
    {
        await _factory.AppendAsync("test.delete", 5);
        await _factory.ChainAsync();

        await _factory.SqlAsync("DELETE FROM audit_log WHERE \"ChainSequence\" = 2");

        var report = await VerifyAsync();
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.Equal(2, report.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains("missing", report.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rehashing_an_edited_row_still_breaks_verification_at_the_next_row()
    {
        await _factory.AppendAsync("test.rehash", 5);
        await _factory.ChainAsync();
        await _factory.SqlAsync("UPDATE audit_log SET \"Action\" = {0} WHERE \"ChainSequence\" = 3", "auth.forged");

        var edited = (await _factory.ChainedAsync()).Single(e => e.ChainSequence == 3);
        var forgedHash = AuditHash.Compute(edited.PreviousHash!, 3, edited);
        await _factory.SqlAsync("UPDATE audit_log SET \"Hash\" = {0} WHERE \"ChainSequence\" = 3", forgedHash);

        var report = await VerifyAsync();
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.Equal(4, report.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(3, report.GetProperty("checkedEntries").GetInt64());
    }

    [Fact]
    public async Task Rows_added_after_chaining_join_the_chain_on_the_next_run_with_contiguous_sequences()
    {
        await _factory.AppendAsync("test.first", 3);
        await _factory.ChainAsync();
        Assert.Equal(0, await _factory.ChainAsync());

        await _factory.AppendAsync("test.second", 2);
        Assert.Equal(2, await _factory.ChainAsync());

        var chained = await _factory.ChainedAsync();
        Assert.Equal([1L, 2, 3, 4, 5], chained.Select(e => e.ChainSequence!.Value));
        Assert.Equal(chained[2].Hash, chained[3].PreviousHash);
        Assert.Equal(["test.first", "test.first", "test.first", "test.second", "test.second"], chained.Select(e => e.Action));
    }

    [Fact]
    public async Task Concurrent_appends_and_chainers_chain_every_row_exactly_once()
    {
        const int writers = 6;
        const int rowsPerWriter = 15;
        using var writing = new CancellationTokenSource();

        var appends = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < rowsPerWriter; i++)
            {
                await _factory.AppendAsync($"test.concurrent.{w}");
            }
        }));
        var chainers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                await _factory.ChainAsync();
            }
        }));
        var chaining = Task.WhenAll(chainers);

        await Task.WhenAll(appends);
        await writing.CancelAsync();
        await chaining;
        await _factory.ChainAsync();

        var chained = await _factory.ChainedAsync();
        Assert.Equal(writers * rowsPerWriter, chained.Count);
        Assert.All(chained, e => Assert.NotNull(e.ChainSequence));
        Assert.Equal(Enumerable.Range(1, writers * rowsPerWriter).Select(i => (long)i), chained.Select(e => e.ChainSequence!.Value));
        Assert.Equal(chained.Count, chained.Select(e => e.Id).Distinct().Count());

        var report = await VerifyAsync();
        Assert.True(report.GetProperty("intact").GetBoolean());
        Assert.Equal(writers * rowsPerWriter, report.GetProperty("checkedEntries").GetInt64());
    }

    [Fact]
    public async Task Verify_audit_command_prints_the_report_and_exits_3_once_the_chain_is_broken()
    {
        await _factory.AppendAsync("test.command", 4);
        var ct = TestContext.Current.CancellationToken;

        using var intactOutput = new StringWriter();
        Assert.Equal(0, await _factory.Services.VerifyAuditAsync(intactOutput, ct));
        var intact = System.Text.Json.JsonDocument.Parse(intactOutput.ToString()).RootElement;
        Assert.True(intact.GetProperty("intact").GetBoolean());
        Assert.Equal(4, intact.GetProperty("checkedEntries").GetInt64());

        await _factory.SqlAsync("UPDATE audit_log SET \"Target\" = {0} WHERE \"ChainSequence\" = 1", "part/forged");

        using var brokenOutput = new StringWriter();
        Assert.Equal(3, await _factory.Services.VerifyAuditAsync(brokenOutput, ct));
        var broken = System.Text.Json.JsonDocument.Parse(brokenOutput.ToString()).RootElement;
        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(1, broken.GetProperty("firstBrokenSequence").GetInt64());
    }

    [Fact]
    public async Task Recorded_times_survive_a_database_round_trip_unchanged()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var entry = scope.ServiceProvider.GetRequiredService<AuditTrail>().Record(db, "test.time", null);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var before = entry.OccurredAt;

        db.ChangeTracker.Clear();
        var loaded = await db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.Id == entry.Id, TestContext.Current.CancellationToken);

        Assert.Equal(before, loaded.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, loaded.OccurredAt.Kind);
    }

    private async Task<System.Text.Json.JsonElement> VerifyAsync()
    {
        var response = await _factory.AdminClient().GetAsync("/api/v1/admin/audit-log/verify", TestContext.Current.CancellationToken);
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }
}
