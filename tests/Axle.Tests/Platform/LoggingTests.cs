using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axle.Tests.Platform;

/// <summary>Captures every log record the app writes, at every level, with its structured state.</summary>
public sealed class CapturingLogFactory : AxleFactory
{
    public ConcurrentQueue<string> Records { get; } = new();

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(new CapturingProvider(Records)));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> records) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, records);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            records.Enqueue($"{category} {formatter(state, exception)} {values} {exception}");
        }
    }
}

public sealed class LoggingTests(CapturingLogFactory factory) : IClassFixture<CapturingLogFactory>
{
    [Fact]
    public async Task Passwords_tokens_and_client_secrets_never_reach_the_logs()
    {
        var ct = TestContext.Current.CancellationToken;
        var anonymous = factory.CreateClient();
        var user = await anonymous.RegisterAsync(IdentityTestExtensions.UniqueEmail("logs"));
        var tokens = await anonymous.LoginAsync(user);
        var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password + "x" }, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var refreshed = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken }, ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var admin = await factory.CreateAdminClientAsync();
        var machine = await admin.CreateMachineClientAsync("log-probe", ["inventory:read"]);
        var token = await factory.CreateClient().PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = machine.ClientId,
            ["client_secret"] = machine.ClientSecret,
        }), ct);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        await factory.CreateClientWithToken(tokens.AccessToken).GetAsync("/api/v1/users/me", ct);

        var log = string.Join("\n", factory.Records);
        Assert.NotEmpty(factory.Records);
        Assert.DoesNotContain(user.Password, log, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.AdminPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.AccessToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(machine.ClientSecret, log, StringComparison.Ordinal);
    }
}
