using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Platform.Http;

public sealed class HttpLimitsOptions
{
    public const string Section = "Http";

    /// <summary>Largest accepted request body; larger bodies get 413. Default 1 MiB.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
