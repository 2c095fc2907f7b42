using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Identity;

/// <summary>Sign-in hardening and account limits (section <c>Identity</c>).</summary>
internal sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>Failed sign-ins for one email within <see cref="FailureWindowMinutes"/> that lock it.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(1, 1440)]
    public int FailureWindowMinutes { get; set; } = 15;

    /// <summary>How long a locked email refuses sign-in, even with the right password.</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// PBKDF2 (HMAC-SHA512) iterations for new hashes; the framework default is 100,000. Existing hashes with fewer
    /// iterations are upgraded at their next successful sign-in.
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int PasswordHashIterations { get; set; } = 100_000;

    [Range(12, 128)]
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>Vehicles one customer may keep in the garage.</summary>
    [Range(1, 1000)]
    public int MaxGarageVehicles { get; set; } = 25;
}

/// <summary>
/// The first administrator (section <c>Bootstrap</c>), created at start-up when no admin exists and both values are
/// set. There is no default password.
/// </summary>
internal sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    [EmailAddress]
    [MaxLength(User.EmailMaxLength)]
    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }
}
