using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Catalog.Imports;

public enum ImportFormat
{
    Csv,
    Jsonl,
    Aces,
    Pies,
}

public enum ImportStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    CompletedWithErrors,
}

/// <summary>
/// One uploaded catalog file and the progress of applying it. The file itself lives under
/// <c>DataDirectory/imports/{id}</c>; the worker claims queued jobs and updates the counts after every batch.
/// </summary>
public sealed class ImportJob
{
    private ImportJob()
    {
    }

    public ImportJob(Guid id, ImportFormat format, string? fileName, long bytes, string? actor, DateTime now)
    {
        Id = id;
        Format = format;
        FileName = fileName;
        Bytes = bytes;
        Actor = actor;
        Status = ImportStatus.Queued;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public ImportFormat Format { get; private set; }
    public ImportStatus Status { get; private set; }
    public string? FileName { get; private set; }
    public long Bytes { get; private set; }
    public int RowsRead { get; private set; }
    public int Inserted { get; private set; }
    public int Updated { get; private set; }
    public int Unchanged { get; private set; }
    public int Deleted { get; private set; }
    public int Rejected { get; private set; }

    /// <summary>Why the whole file failed (unreadable, malformed XML, DTD); row problems go to <see cref="ImportError"/>.</summary>
    public string? Error { get; private set; }
    public string? Actor { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? StartedAt { get; private set; }

    /// <summary>Set when the job is claimed and after every batch; a running job whose heartbeat stops is requeued.</summary>
    public DateTime? HeartbeatAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }

    internal void Count(ImportCounts counts)
    {
        RowsRead += counts.Read;
        Inserted += counts.Inserted;
        Updated += counts.Updated;
        Unchanged += counts.Unchanged;
        Deleted += counts.Deleted;
        Rejected += counts.Rejected;
    }

    internal void Finish(DateTime now, string? error)
    {
        Error = error;
        Status = error is not null ? ImportStatus.Failed
            : Rejected > 0 ? ImportStatus.CompletedWithErrors
            : ImportStatus.Succeeded;
        FinishedAt = now;
    }
}

/// <summary>A rejected row: its line in the file, the offending field when known, and why.</summary>
public sealed class ImportError
{
    private ImportError()
    {
    }

    public ImportError(Guid jobId, int line, string? field, string message)
    {
        JobId = jobId;
        Line = line;
        Field = field;
        Message = message.Length > MaxMessage ? message[..MaxMessage] : message;
    }

    public const int MaxMessage = 1000;

    public long Id { get; private set; }
    public Guid JobId { get; private set; }
    public int Line { get; private set; }
    public string? Field { get; private set; }
    public string Message { get; private set; } = "";
}

/// <summary>What one batch did; added to the job after the batch commits.</summary>
internal sealed class ImportCounts
{
    public int Read { get; set; }
    public int Inserted { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Deleted { get; set; }
    public int Rejected { get; set; }
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.ToTable("import_jobs");
        b.HasKey(x => x.Id);
        b.Property(x => x.Format).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.FileName).HasMaxLength(255);
        b.Property(x => x.Actor).HasMaxLength(100);
        b.Property(x => x.Error).HasMaxLength(ImportError.MaxMessage);
        b.HasIndex(x => new { x.Status, x.CreatedAt });
    }
}

internal sealed class ImportErrorConfiguration : IEntityTypeConfiguration<ImportError>
{
    public void Configure(EntityTypeBuilder<ImportError> b)
    {
        b.ToTable("import_errors");
        b.Property(x => x.Field).HasMaxLength(64);
        b.Property(x => x.Message).HasMaxLength(ImportError.MaxMessage).IsRequired();
        b.HasIndex(x => new { x.JobId, x.Line });
        b.HasOne<ImportJob>().WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
