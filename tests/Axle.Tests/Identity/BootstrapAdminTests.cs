using Axle.Tests.Infrastructure;

namespace Axle.Tests.Identity;

public sealed class BootstrapAdminTests
{
    [Fact]
    public async Task Start_up_fails_with_a_clear_message_when_the_bootstrap_password_is_weak()
    {
        await using var factory = new WeakBootstrapPasswordFactory();

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains("Bootstrap:AdminPassword does not meet the password policy", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_bootstrap_settings_start_up_succeeds_and_creates_no_admin()
    {
        await using var factory = new NoBootstrapFactory();

        var response = await factory.CreateClient().PostAsync("/api/v1/auth/login",
            System.Net.Http.Json.JsonContent.Create(new { email = AxleFactory.AdminEmail, password = factory.AdminPassword }),
            TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(System.Net.HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    private sealed class WeakBootstrapPasswordFactory : AxleFactory
    {
        protected override IDictionary<string, string?> Overrides =>
            new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = "password1234" };
    }

    private sealed class NoBootstrapFactory : AxleFactory
    {
        protected override IDictionary<string, string?> Overrides =>
            new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = "" };
    }
}
