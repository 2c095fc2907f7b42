using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axle.Api.Features.Backups;

/// <summary>
/// <c>dotnet run --project src/Axle.Api -- backup [--out FILE]</c>, <c>-- restore --from FILE [--yes]</c> and
/// <c>-- verify --from FILE</c>. Each prints one JSON report on standard output; the exit code says how it went.
/// </summary>
public static class BackupCommand
{
    public const int ExitOk = 0;
    public const int ExitUsage = 1;
    public const int ExitRejected = 5;
    public const int ExitRefused = 6;
    public const int ExitFailed = 7;

    private static readonly string[] Names = ["backup", "restore", "verify"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,

        // A terminal, not a web page: file paths and messages keep their quotes and plus signs readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Whether the command line asks for one of these commands (its first argument names it).</summary>
    public static bool IsInvoked(string[] args) => args.Length > 0 && Names.Contains(args[0]);

    public static async Task<int> RunBackupCommandAsync(
        this IServiceProvider services, string[] args, TextWriter output, CancellationToken ct = default)
    {
        var outFile = new Option<string?>("--out") { Description = "Write the backup to this file instead of Backup:Directory (no pruning)." };
        var fromRestore = new Option<string>("--from") { Description = "The backup file.", Required = true };
        var fromVerify = new Option<string>("--from") { Description = "The backup file.", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Replace a database that already holds tables." };

        var backup = new Command("backup", "Back up the database (online: the app may keep running).") { outFile };
        backup.SetAction((r, token) => RunAsync(services, output, b => b.CreateAsync(r.GetValue(outFile), token), token));
        var restore = new Command("restore", "Replace the database with a backup, then apply newer migrations. Stop the app first.")
        {
            fromRestore, yes,
        };
        restore.SetAction((r, token) => RunAsync(services, output, b => b.RestoreAsync(r.GetValue(fromRestore)!, r.GetValue(yes), token), token));
        var verify = new Command("verify", "Restore a backup into a scratch database, check the audit chain and the stock ledger, drop it.")
        {
            fromVerify,
        };
        verify.SetAction((r, token) => RunAsync(services, output, b => b.VerifyAsync(r.GetValue(fromVerify)!, token), token));

        var root = new RootCommand("Axle backups") { backup, restore, verify };
        foreach (var command in new[] { root, backup, restore, verify })
        {
            // Configuration switches (--Database:Provider=Postgres) share the command line.
            command.TreatUnmatchedTokensAsErrors = false;
        }

        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = Console.Error }, ct);
    }

    private static async Task<int> RunAsync(
        IServiceProvider services, TextWriter output, Func<Backups, Task<BackupReport>> run, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var report = await run(scope.ServiceProvider.GetRequiredService<Backups>());
        await output.WriteLineAsync(JsonSerializer.Serialize(report, Json).AsMemory(), ct);
        return report.Outcome switch
        {
            BackupOutcome.Ok => ExitOk,
            BackupOutcome.Rejected => ExitRejected,
            BackupOutcome.Refused => ExitRefused,
            _ => ExitFailed,
        };
    }
}
