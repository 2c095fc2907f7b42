using System.ComponentModel.DataAnnotations;
using Cronos;

namespace Axle.Api.Features.Backups;

/// <summary>Where backups go, when they are taken on a schedule, how many are kept, and which PostgreSQL tools to run.</summary>
public sealed class BackupOptions : IValidatableObject
{
    public const string Section = "Backup";

    /// <summary>Folder for backup files; relative paths resolve against <c>DataDirectory</c>. Default <c>{DataDirectory}/backups</c>.</summary>
    public string Directory { get; set; } = "backups";

    /// <summary>Cron expression (UTC; five fields, or six with seconds) for scheduled backups; unset: no scheduled backups.</summary>
    public string? Schedule { get; set; }

    /// <summary>How many backup files the folder keeps; after each backup written there the oldest beyond this are deleted.</summary>
    [Range(1, 10_000)]
    public int Keep { get; set; } = 14;

    /// <summary>The <c>pg_dump</c> executable (a name on PATH or a full path); its major version must be at least the server's.</summary>
    [Required]
    public string PgDumpPath { get; set; } = "pg_dump";

    /// <summary>The <c>pg_restore</c> executable.</summary>
    [Required]
    public string PgRestorePath { get; set; } = "pg_restore";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Schedule is { Length: > 0 } && ParseSchedule(Schedule) is null)
        {
            yield return new ValidationResult($"'{Schedule}' is not a cron expression.", [nameof(Schedule)]);
        }
    }

    internal CronExpression? Cron => Schedule is { Length: > 0 } ? ParseSchedule(Schedule) : null;

    private static CronExpression? ParseSchedule(string expression)
    {
        var trimmed = expression.Trim();
        var format = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.TryParse(trimmed, format, out var cron) ? cron : null;
    }
}
