using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Catalog.Imports;

public sealed class CatalogImportOptions
{
    public const string Section = "CatalogImports";

    /// <summary>Largest accepted import file; larger uploads get 413. Default 1 GiB; this endpoint alone may exceed <c>Http:MaxRequestBodyBytes</c>.</summary>
    [Range(1024, 64L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Rows applied per transaction; counts are published after each batch.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>How often the worker looks for queued jobs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A running job with no batch committed for this long is taken to be orphaned (its instance died) and is queued
    /// again; it restarts from the top of the file, which is safe because applying a row twice changes nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(15);
}
