namespace Axle.Api.Platform.Security;

public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// HTTPS redirection and HSTS. Unset means true outside Development. Set false behind a TLS-terminating proxy
    /// and list that proxy in <see cref="KnownProxies"/> so its X-Forwarded-* headers are believed.
    /// </summary>
    public bool? RequireHttps { get; set; }

    /// <summary>IP addresses of reverse proxies whose X-Forwarded-For/Proto headers are honoured. Nobody else's are.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>CIDR networks of reverse proxies (e.g. <c>10.0.0.0/8</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];

    public int HstsMaxAgeDays { get; set; } = 730;

    /// <summary>
    /// Browser origins (<c>https://shop.example.com</c>) whose scripts may call the API: storefronts and admin front ends.
    /// Empty (the default) sends no CORS headers at all. Never a wildcard, never with credentials: tokens travel in the
    /// Authorization header, not in cookies.
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];
}
