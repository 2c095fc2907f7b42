using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Returns;

public sealed class ReturnOptions
{
    public const string Section = "Returns";

    /// <summary>How long after delivery a customer may ask to return parts.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long after delivery the old unit of a remanufactured part may come back for its core deposit.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "730.00:00:00")]
    public TimeSpan CoreWindow { get; set; } = TimeSpan.FromDays(90);
}
