using Microsoft.Net.Http.Headers;

namespace Axle.Api.Platform.Http;

/// <summary>Response headers from STANDARDS.md §10 on every response, errors included.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            var headers = response.Headers;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
            {
                headers[HeaderNames.ContentSecurityPolicy] = "frame-ancestors 'none'";
            }

            // Personal and token responses must not be cached; a handler that knows better (public catalogue reads)
            // sets its own Cache-Control.
            if (!headers.ContainsKey(HeaderNames.CacheControl))
            {
                headers[HeaderNames.CacheControl] = "no-store";
            }

            headers.Remove(HeaderNames.Server);
            headers.Remove("X-Powered-By");
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
