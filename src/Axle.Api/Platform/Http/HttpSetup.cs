using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.ResponseCompression;

namespace Axle.Api.Platform.Http;

public static class HttpSetup
{
    public static WebApplicationBuilder AddAxleHttp(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HttpLimitsOptions>().BindConfiguration(HttpLimitsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();

        var limits = builder.Configuration.GetSection(HttpLimitsOptions.Section).Get<HttpLimitsOptions>() ?? new();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        });

        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddValidation();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            var status = problem.Status ?? ctx.HttpContext.Response.StatusCode;
            problem.Status = status;
            problem.Instance ??= ctx.HttpContext.Request.Path;
            problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            if (problem is HttpValidationProblemDetails validation)
            {
                Problems.NormalizeValidation(validation);
            }

            if (!problem.Extensions.ContainsKey("code"))
            {
                problem.Extensions["code"] = status == 400 && problem is HttpValidationProblemDetails
                    ? "validation_failed"
                    : Problems.DefaultCode(status);
            }

            // A framework-made 500 never says more than this.
            if (status >= 500)
            {
                problem.Detail ??= "An unexpected error occurred. Quote the traceId when reporting it.";
            }
        });
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>(); // after the default writer, so it is tried last
        services.AddExceptionHandler<ExceptionProblemHandler>();
        services.AddWorker<IdempotencyPurgeWorker>();

        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/problem+json"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);

        var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in security.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in security.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddCors(o => o.AddDefaultPolicy(p => p
            .WithOrigins(security.CorsOrigins.Where(origin => origin != "*").ToArray())
            .WithMethods("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
            .AllowAnyHeader()
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(security.HstsMaxAgeDays);
            o.IncludeSubDomains = true;
            o.Preload = false;
        });
        return builder;
    }

    /// <summary>Response headers a browser script may read (CORS): caching, paging, idempotency and quota fields.</summary>
    private static readonly string[] ExposedHeaders =
    [
        "ETag", "Location", "Link", "Retry-After", "Idempotent-Replayed", RateLimitHeaders.PolicyHeader, RateLimitHeaders.StateHeader,
    ];

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        json.NumberHandling = JsonNumberHandling.Strict;
        // Unknown fields are refused rather than ignored: a client that sends "role" or "status" learns at once that
        // it cannot set them (OWASP API3), and typos do not pass silently.
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        json.Converters.Add(new UniqueMembersJsonObjectConverter());
    }

    public static WebApplication UseAxleHttp(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value;
        if (security.KnownProxies.Length > 0 || security.KnownNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (security.RequireHttps ?? !app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseResponseCompression();
        app.UseCors();
        return app;
    }

    /// <summary>Body size limits; after <c>UseRouting</c> (endpoints may raise their own limit), before anything reads a body.</summary>
    public static IApplicationBuilder UseAxleRequestBodyLimit(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestBodyLimitMiddleware>();
}
