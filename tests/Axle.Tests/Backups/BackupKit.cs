using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Axle.Api.Features.Backups;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Backups;

/// <summary>Runs the backup commands in-process exactly as the CLI does, and reads or wipes the whole database.</summary>
internal static class BackupKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The command's exit code and its JSON report.</summary>
    public static async Task<(int Exit, JsonElement Report)> RunAsync(this AxleFactory factory, params string[] args)
    {
        await using var output = new StringWriter();
        var exit = await factory.Services.RunBackupCommandAsync(args, output, Ct);
        var text = output.ToString();
        Assert.False(string.IsNullOrWhiteSpace(text), $"{args[0]} printed no report (exit {exit}).");
        return (exit, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Runs a command that must succeed; a failure shows the whole report.</summary>
    public static async Task<JsonElement> RunOkAsync(this AxleFactory factory, params string[] args)
    {
        var (exit, report) = await factory.RunAsync(args);
        Assert.True(exit == BackupCommand.ExitOk, $"{args[0]} exited {exit}: {report}");
        return report;
    }

    public static string BackupPath(this AxleFactory factory, string name = "test-backup.zip") =>
        Path.Combine(factory.DataDirectory, "out", name);

    /// <summary>Every row of every table in the model, as sorted text lines per table.</summary>
    public static async Task<SortedDictionary<string, List<string>>> SnapshotAsync(this AxleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct();
        var snapshot = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        try
        {
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync(Ct);
                var rows = new List<string>();
                while (await reader.ReadAsync(Ct))
                {
                    rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Cell(reader, i))));
                }

                rows.Sort(StringComparer.Ordinal);
                snapshot[table] = rows;
            }
        }
        finally
        {
            await connection.CloseAsync();
        }

        return snapshot;
    }

    /// <summary>Deletes the database outright: the SQLite file, or the PostgreSQL database.</summary>
    public static async Task WipeAsync(this AxleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var engine = factory.Services.GetRequiredService<IBackupEngine>();
        engine.ClearPools();
        await engine.DropDatabaseAsync(db.Database.GetConnectionString()!);
        Assert.False(await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(Ct));
    }

    public static async Task SqlAsync(this AxleFactory factory, string sql)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    private static string Cell(DbDataReader reader, int i) => reader.IsDBNull(i) ? "∅" : reader.GetValue(i) switch
    {
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        var value => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
