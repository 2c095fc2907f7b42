using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Identity;

public sealed class RegistrationTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Register_returns_201_with_the_public_profile_and_stores_a_hashed_customer()
    {
        var email = IdentityTestExtensions.UniqueEmail();
        var password = IdentityTestExtensions.StrongPassword();
        var response = await factory.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/register", new { email, password, name = "Ada Lovelace" }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", body.GetProperty("name").GetString());
        Assert.Equal(3, body.EnumerateObject().Count());
        var id = body.GetProperty("id").GetGuid();

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var user = await db.Set<User>().Include(u => u.Roles).SingleAsync(u => u.Id == id, Ct);
        Assert.Equal(["customer"], user.RoleNames);
        Assert.Equal(email.ToUpperInvariant(), user.NormalizedEmail);
        Assert.DoesNotContain(password, user.PasswordHash, StringComparison.Ordinal);
        Assert.StartsWith("AQAAAA", user.PasswordHash, StringComparison.Ordinal);
        Assert.True(await db.Set<Api.Features.Audit.AuditEntry>().AnyAsync(a => a.Action == "auth.register" && a.Target == id.ToString(), Ct));
    }

    [Theory]
    [InlineData("short1!")]
    [InlineData("Password1234")]
    [InlineData("qwertyuiop12")]
    [InlineData("123456789012")]
    [InlineData("zzzzzzzzzzzzzzzz")]
    public async Task Register_rejects_a_weak_or_common_password_with_a_password_field_error(string password)
    {
        var email = IdentityTestExtensions.UniqueEmail();
        var response = await factory.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/register", new { email, password, name = "Weak" }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out var messages));
        Assert.NotEmpty(messages.EnumerateArray());
        await AssertNoUserAsync(email);
    }

    [Fact]
    public async Task Register_rejects_a_password_that_contains_the_email_local_part()
    {
        var email = $"brakepads{Guid.NewGuid():N}"[..20] + "@axle.test";
        var password = "x-" + email[..email.IndexOf('@', StringComparison.Ordinal)].ToUpperInvariant() + "-9";
        var response = await factory.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/register", new { email, password, name = "Local" }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Register_with_missing_or_malformed_fields_lists_each_field()
    {
        var response = await factory.CreateClient().PostAsJsonAsync(
            "/api/v1/auth/register", new { email = "not-an-email", password = IdentityTestExtensions.StrongPassword() }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("name", out _), errors.ToString());
    }

    [Fact]
    public async Task Register_with_an_email_already_taken_returns_409_regardless_of_case()
    {
        var client = factory.CreateClient();
        var first = await client.RegisterAsync();

        var response = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = "  " + first.Email.ToUpperInvariant(), password = IdentityTestExtensions.StrongPassword(), name = "Copy" }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "email_taken");
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(1, await db.Set<User>().CountAsync(u => u.NormalizedEmail == first.Email.ToUpperInvariant(), Ct));
    }

    [Fact]
    public async Task Register_with_malformed_json_returns_a_400_problem()
    {
        using var content = new StringContent("{\"email\": \"a@b.c\", ", System.Text.Encoding.UTF8, "application/json");
        var response = await factory.CreateClient().PostAsync("/api/v1/auth/register", content, Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task Register_with_a_non_json_content_type_returns_415()
    {
        using var content = new StringContent("email=a@b.c&password=x", System.Text.Encoding.UTF8, "text/plain");
        var response = await factory.CreateClient().PostAsync("/api/v1/auth/register", content, Ct);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    private async Task AssertNoUserAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<User>().AnyAsync(u => u.NormalizedEmail == email.ToUpperInvariant(), Ct));
    }
}
