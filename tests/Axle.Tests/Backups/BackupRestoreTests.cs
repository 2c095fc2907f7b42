using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Backups;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Backups;

/// <summary>Each test owns a fresh database: these tests wipe, replace and tamper with it.</summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private readonly AxleFactory _factory = new();

    public ValueTask InitializeAsync() => _factory.InitializeAsync();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Backup_then_wipe_then_restore_gives_identical_data_and_a_passing_verify()
    {
        var (part, _) = await SeedAsync(onHand: 7);
        var before = await _factory.SnapshotAsync();
        var file = _factory.BackupPath();

        var backup = await _factory.RunOkAsync("backup", "--out", file);
        Assert.True(File.Exists(file));
        Assert.Equal(64, backup.GetProperty("manifest").GetProperty("sha256").GetString()!.Length);
        Assert.False(string.IsNullOrEmpty(backup.GetProperty("manifest").GetProperty("migrationId").GetString()));

        await _factory.WipeAsync();
        var restore = await _factory.RunOkAsync("restore", "--from", file);
        Assert.Equal("ok", restore.GetProperty("outcome").GetString());

        var after = await _factory.SnapshotAsync();
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (table, rows) in before)
        {
            Assert.True(rows.SequenceEqual(after[table]), $"Table {table} differs after the restore.");
        }

        Assert.Contains(before, t => t.Key == "audit_log" && t.Value.Count >= 2);
        Assert.Equal(AuditCommand.ExitIntact, await _factory.Services.VerifyAuditAsync(TextWriter.Null, Ct));
        Assert.Equal(InventoryCommand.ExitConsistent, await _factory.Services.VerifyStockAsync(TextWriter.Null, Ct));
        var stock = await new InventoryKit(_factory).Manager.GetAsync($"/api/v1/inventory/{part.Sku}", Ct);
        Assert.Equal(7, (await stock.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("totals").GetProperty("onHand").GetInt32());

        var verify = await _factory.RunOkAsync("verify", "--from", file);
        Assert.True(verify.GetProperty("audit").GetProperty("intact").GetBoolean());
        Assert.True(verify.GetProperty("audit").GetProperty("checkedEntries").GetInt64() >= 2);
        Assert.True(verify.GetProperty("stock").GetProperty("consistent").GetBoolean());
        Assert.Equal(before.Values.Sum(r => r.Count), verify.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Restore_over_a_database_with_tables_is_refused_without_yes_and_replaces_it_with_yes()
    {
        var (part, warehouseId) = await SeedAsync(onHand: 5);
        var file = _factory.BackupPath();
        await _factory.RunOkAsync("backup", "--out", file);
        var kit = new InventoryKit(_factory);
        var later = await InventoryKit.PostAsync(kit.Manager, InventoryKit.Adjustments,
            new { sku = part.Sku, warehouseId, delta = 3, reason = "found" });
        await later.AssertJsonAsync(HttpStatusCode.Created);

        var (refusedExit, refused) = await _factory.RunAsync("restore", "--from", file);
        Assert.Equal(BackupCommand.ExitRefused, refusedExit);
        Assert.Contains("--yes", refused.GetProperty("problem").GetString());
        Assert.Equal(8, await OnHandAsync(part));

        await _factory.RunOkAsync("restore", "--from", file, "--yes");
        Assert.Equal(5, await OnHandAsync(part));
        Assert.Equal(InventoryCommand.ExitConsistent, await _factory.Services.VerifyStockAsync(TextWriter.Null, Ct));
    }

    [Fact]
    public async Task Verify_and_restore_reject_a_damaged_or_truncated_file_or_one_from_the_other_provider()
    {
        await SeedAsync(onHand: 2);
        var file = _factory.BackupPath();
        await _factory.RunOkAsync("backup", "--out", file);
        var before = await _factory.SnapshotAsync();

        var flipped = _factory.BackupPath("flipped.zip");
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        var middle = bytes.Length / 2;
        for (var i = middle; i < middle + 16; i++)
        {
            bytes[i] ^= 0xFF;
        }

        await File.WriteAllBytesAsync(flipped, bytes, Ct);
        var truncated = _factory.BackupPath("truncated.zip");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 3)], Ct);
        var otherProvider = _factory.BackupPath("other-provider.zip");
        File.Copy(file, otherProvider);
        await RewriteManifestAsync(otherProvider, AxleFactory.IsPostgres ? "Sqlite" : "Postgres");

        foreach (var damaged in new[] { flipped, truncated, otherProvider, _factory.BackupPath("missing.zip") })
        {
            var (verifyExit, verify) = await _factory.RunAsync("verify", "--from", damaged);
            Assert.Equal(BackupCommand.ExitRejected, verifyExit);
            Assert.Equal("rejected", verify.GetProperty("outcome").GetString());
            var (restoreExit, _) = await _factory.RunAsync("restore", "--from", damaged, "--yes");
            Assert.Equal(BackupCommand.ExitRejected, restoreExit);
        }

        var (_, wrong) = await _factory.RunAsync("verify", "--from", otherProvider);
        Assert.Contains(AxleFactory.IsPostgres ? "Sqlite backup" : "Postgres backup", wrong.GetProperty("problem").GetString());
        var after = await _factory.SnapshotAsync();
        Assert.True(before.SequenceEqual(after, new TableComparer()), "A rejected restore changed the database.");
    }

    [Fact]
    public async Task Verify_fails_when_the_backed_up_audit_chain_or_stock_ledger_was_tampered_with()
    {
        var (part, _) = await SeedAsync(onHand: 4);
        await _factory.SqlAsync("UPDATE audit_log SET \"Action\" = 'auth.login' WHERE \"ChainSequence\" = 1");
        await _factory.SqlAsync($"UPDATE stock_levels SET \"OnHand\" = \"OnHand\" + 1 WHERE \"PartId\" = {part.Id}");
        var file = _factory.BackupPath();
        await _factory.RunOkAsync("backup", "--out", file);

        var (exit, report) = await _factory.RunAsync("verify", "--from", file);

        Assert.Equal(BackupCommand.ExitFailed, exit);
        Assert.False(report.GetProperty("audit").GetProperty("intact").GetBoolean());
        Assert.Equal(1, report.GetProperty("audit").GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(1, report.GetProperty("stock").GetProperty("driftCount").GetInt32());
        var problems = report.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p!.Contains("Audit chain broken at entry 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p!.Contains(part.Sku, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restore_and_verify_without_from_are_usage_errors()
    {
        await using var output = new StringWriter();
        Assert.Equal(BackupCommand.ExitUsage, await _factory.Services.RunBackupCommandAsync(["restore"], output, Ct));
        Assert.Equal(BackupCommand.ExitUsage, await _factory.Services.RunBackupCommandAsync(["verify", "--yes"], output, Ct));
    }

    /// <summary>A part with stock through the inventory API, a machine client created by an admin (audited), a chained log.</summary>
    private async Task<(Part Part, long WarehouseId)> SeedAsync(int onHand)
    {
        var kit = new InventoryKit(_factory);
        var part = await kit.PartAsync();
        var warehouseId = await kit.WarehouseAsync();
        await kit.StockAsync(part, warehouseId, onHand);
        await _factory.CreateAdminClient().CreateMachineClientAsync("backup-test-erp", "inventory:write");
        await _factory.Services.GetRequiredService<AuditChainer>().RunOnceAsync(Ct);
        return (part, warehouseId);
    }

    private async Task<int> OnHandAsync(Part part)
    {
        var response = await new InventoryKit(_factory).Manager.GetAsync($"/api/v1/inventory/{part.Sku}", Ct);
        return (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("totals").GetProperty("onHand").GetInt32();
    }

    /// <summary>What someone restoring a file onto the wrong kind of server would hold: an intact file naming the other provider.</summary>
    private static async Task RewriteManifestAsync(string path, string provider)
    {
        await using var zip = await ZipFile.OpenAsync(path, ZipArchiveMode.Update, Ct);
        var entry = zip.GetEntry("manifest.json")!;
        JsonElement manifest;
        await using (var read = await entry.OpenAsync(Ct))
        {
            manifest = (await JsonDocument.ParseAsync(read, cancellationToken: Ct)).RootElement.Clone();
        }

        var fields = manifest.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        fields["provider"] = provider;
        entry.Delete();
        await using var write = await zip.CreateEntry("manifest.json").OpenAsync(Ct);
        await JsonSerializer.SerializeAsync(write, fields, cancellationToken: Ct);
    }

    private sealed class TableComparer : IEqualityComparer<KeyValuePair<string, List<string>>>
    {
        public bool Equals(KeyValuePair<string, List<string>> x, KeyValuePair<string, List<string>> y) =>
            x.Key == y.Key && x.Value.SequenceEqual(y.Value);

        public int GetHashCode(KeyValuePair<string, List<string>> obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
