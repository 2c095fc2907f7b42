using System.Net;
using System.Net.Http.Json;
using System.Text;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Platform;

public sealed class IdempotencyTests(PlatformFactory factory) : IClassFixture<PlatformFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestEndpointState State => factory.Services.GetRequiredService<TestEndpointState>();

    private static string NewName() => "n" + Guid.NewGuid().ToString("N")[..9];

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body, params string[] keys)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        foreach (var key in keys)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return client.SendAsync(request, Ct);
    }

    private async Task<List<IdempotencyRecord>> RowsAsync(string key)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<IdempotencyRecord>().AsNoTracking().Where(r => r.Key == key).ToListAsync(Ct);
    }

    private async Task UpdateRowAsync(string key, DateTime? claimedAt = null, DateTime? expiresAt = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var rows = db.Set<IdempotencyRecord>().Where(r => r.Key == key);
        if (claimedAt is { } claimed)
        {
            await rows.ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimedAt, claimed), Ct);
        }

        if (expiresAt is { } expires)
        {
            await rows.ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, expires), Ct);
        }
    }

    [Fact]
    public async Task Retry_with_the_same_key_replays_the_stored_response_and_runs_the_handler_once()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var first = await PostAsync(client, "/test/idempotent", new { name }, key);
        var second = await PostAsync(client, "/test/idempotent", new { name }, key);

        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(1, State.Executions(name));

        var row = Assert.Single(await RowsAsync(key));
        Assert.Equal(201, row.ResponseStatus);
        Assert.Equal("POST", row.Method);
        Assert.Equal("/test/idempotent", row.Route);
        Assert.Equal(firstBody, Encoding.UTF8.GetString(row.ResponseBody!));
        Assert.NotNull(row.CompletedAt);
        Assert.True(row.ExpiresAt > DateTime.UtcNow.AddHours(23));
    }

    [Fact]
    public async Task Quoted_and_bare_forms_of_a_key_name_the_same_key()
    {
        using var client = factory.CreateUserClient();
        var key = "order-" + Guid.NewGuid();
        var name = NewName();

        var first = await PostAsync(client, "/test/idempotent", new { name }, $"\"{key}\"");
        var second = await PostAsync(client, "/test/idempotent", new { name }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, State.Executions(name));
        Assert.Single(await RowsAsync(key));
    }

    [Fact]
    public async Task Same_key_with_a_different_body_is_rejected_with_422()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();
        await PostAsync(client, "/test/idempotent", new { name }, key);

        var response = await PostAsync(client, "/test/idempotent", new { name = name + "x" }, key);

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(0, State.Executions(name + "x"));
        Assert.Equal(201, Assert.Single(await RowsAsync(key)).ResponseStatus);
    }

    [Fact]
    public async Task Same_key_while_the_first_request_runs_is_rejected_with_409_and_replayed_after()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var first = PostAsync(client, "/test/idempotent-slow", new { name }, key);
        await State.Entered(name).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var inFlight = Assert.Single(await RowsAsync(key));
        var concurrent = await PostAsync(client, "/test/idempotent-slow", new { name }, key);

        await concurrent.AssertProblemAsync(HttpStatusCode.Conflict, "idempotency_key_in_use");
        Assert.NotNull(concurrent.Headers.RetryAfter);
        Assert.Null(inFlight.ResponseStatus);

        State.Gate(name).SetResult();
        var finished = await first;
        Assert.Equal(HttpStatusCode.Created, finished.StatusCode);
        var retry = await PostAsync(client, "/test/idempotent-slow", new { name }, key);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, State.Executions(name));
    }

    [Fact]
    public async Task Concurrent_requests_with_the_same_key_run_the_handler_once()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(client, "/test/idempotent", new { name }, key)));

        Assert.Equal(1, State.Executions(name));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(await RowsAsync(key));
    }

    [Fact]
    public async Task Missing_key_on_an_endpoint_that_requires_one_is_rejected_with_400()
    {
        using var client = factory.CreateUserClient();
        var name = NewName();

        var response = await PostAsync(client, "/test/idempotent-required", new { name });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_required");
        Assert.Equal(0, State.Executions(name));
    }

    [Fact]
    public async Task Missing_key_on_an_endpoint_where_it_is_optional_runs_the_handler_every_time()
    {
        using var client = factory.CreateUserClient();
        var name = NewName();

        await PostAsync(client, "/test/idempotent", new { name });
        var second = await PostAsync(client, "/test/idempotent", new { name });

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(2, State.Executions(name));
    }

    [Theory]
    [InlineData("\"unterminated")]
    [InlineData("\"a\";param=1")]
    [InlineData("has,comma")]
    [InlineData("tab\tinside")]
    public async Task Malformed_key_is_rejected_with_400(string key)
    {
        using var client = factory.CreateUserClient();
        var name = NewName();

        var response = await PostAsync(client, "/test/idempotent", new { name }, key);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_invalid");
        Assert.Equal(0, State.Executions(name));
    }

    [Fact]
    public async Task Key_longer_than_255_characters_is_rejected_with_400()
    {
        using var client = factory.CreateUserClient();

        var ok = await PostAsync(client, "/test/idempotent", new { name = NewName() }, new string('k', 255));
        var tooLong = await PostAsync(client, "/test/idempotent", new { name = NewName() }, new string('k', 256));

        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_invalid");
    }

    [Fact]
    public async Task Two_idempotency_key_header_fields_are_rejected_with_400()
    {
        using var client = factory.CreateUserClient();
        var name = NewName();

        var response = await PostAsync(client, "/test/idempotent", new { name }, "a", "b");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_invalid");
        Assert.Equal(0, State.Executions(name));
    }

    [Fact]
    public async Task Two_callers_using_the_same_key_do_not_see_each_others_response()
    {
        using var alice = factory.CreateUserClient();
        using var bob = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var fromAlice = await (await PostAsync(alice, "/test/idempotent", new { name }, key)).AssertJsonAsync(HttpStatusCode.Created);
        var bobResponse = await PostAsync(bob, "/test/idempotent", new { name }, key);
        var fromBob = await bobResponse.AssertJsonAsync(HttpStatusCode.Created);

        Assert.False(bobResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(fromAlice.GetProperty("id").GetGuid(), fromBob.GetProperty("id").GetGuid());
        Assert.Equal(2, State.Executions(name));
        var rows = await RowsAsync(key);
        Assert.Equal(2, rows.Select(r => r.CallerKey).Distinct().Count());
    }

    [Fact]
    public async Task Same_key_on_another_route_is_a_separate_key()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        await PostAsync(client, "/test/idempotent", new { name }, key);
        var other = await PostAsync(client, "/test/idempotent-required", new { name }, key);

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.False(other.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, (await RowsAsync(key)).Count);
    }

    [Fact]
    public async Task A_request_rejected_by_validation_is_not_stored_and_can_be_retried_with_the_same_key()
    {
        // Proves the order of filters: the framework's validation filter runs before the idempotency filter.
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var invalid = await PostAsync(client, "/test/idempotent-validated", new { name, quantity = 0 }, key);

        await invalid.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Empty(await RowsAsync(key));
        Assert.Equal(0, State.Executions(name));

        var corrected = await PostAsync(client, "/test/idempotent-validated", new { name, quantity = 2 }, key);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        Assert.Equal(1, State.Executions(name));
        Assert.Equal(201, Assert.Single(await RowsAsync(key)).ResponseStatus);
    }

    [Fact]
    public async Task A_request_with_malformed_json_is_not_stored()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/test/idempotent")
        {
            Content = new StringContent("{\"name\":", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);

        var response = await client.SendAsync(request, Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.Empty(await RowsAsync(key));
    }

    [Fact]
    public async Task A_request_rejected_by_authentication_is_not_stored()
    {
        using var anonymous = factory.CreateClient();
        var key = Guid.NewGuid().ToString();

        var response = await PostAsync(anonymous, "/test/idempotent", new { name = NewName() }, key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await RowsAsync(key));
    }

    [Fact]
    public async Task Anonymous_callers_keys_are_not_stored_and_never_replayed()
    {
        using var anonymous = factory.CreateClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        await PostAsync(anonymous, "/test/idempotent-anonymous", new { name }, key);
        var second = await PostAsync(anonymous, "/test/idempotent-anonymous", new { name }, key);

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, State.Executions(name));
        Assert.Empty(await RowsAsync(key));
    }

    [Fact]
    public async Task A_handler_exception_releases_the_key_so_a_retry_runs_the_handler_again()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var failed = await PostAsync(client, "/test/idempotent", new { name, mode = "throw-once" }, key);

        await failed.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        Assert.Empty(await RowsAsync(key));

        var retry = await PostAsync(client, "/test/idempotent", new { name, mode = "throw-once" }, key);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(2, State.Executions(name));
        Assert.Equal(201, Assert.Single(await RowsAsync(key)).ResponseStatus);
    }

    [Fact]
    public async Task A_5xx_response_is_not_stored()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var first = await PostAsync(client, "/test/idempotent", new { name, mode = "503" }, key);
        var second = await PostAsync(client, "/test/idempotent", new { name, mode = "503" }, key);

        await first.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        await second.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, State.Executions(name));
        Assert.Empty(await RowsAsync(key));
    }

    [Fact]
    public async Task A_4xx_response_from_the_handler_is_stored_and_replayed()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();

        var first = await PostAsync(client, "/test/idempotent", new { name, mode = "409" }, key);
        var second = await PostAsync(client, "/test/idempotent", new { name, mode = "409" }, key);

        var original = await first.AssertProblemAsync(HttpStatusCode.Conflict, "test_conflict");
        var replayed = await second.AssertProblemAsync(HttpStatusCode.Conflict, "test_conflict");
        Assert.Equal(original.GetProperty("detail").GetString(), replayed.GetProperty("detail").GetString());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, State.Executions(name));
    }

    [Fact]
    public async Task An_in_flight_claim_older_than_60_seconds_is_abandoned_and_taken_over()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();
        var abandoned = PostAsync(client, "/test/idempotent-slow", new { name }, key);
        await State.Entered(name).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await UpdateRowAsync(key, claimedAt: DateTime.UtcNow.AddSeconds(-61));

        var takeOver = PostAsync(client, "/test/idempotent-slow", new { name }, key);
        for (var waited = 0; State.Entries(name) < 2 && !takeOver.IsCompleted && waited < 400; waited++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.False(takeOver.IsCompleted, takeOver.IsCompleted ? await (await takeOver).Content.ReadAsStringAsync(Ct) : "");

        State.Gate(name).SetResult();
        var takeOverResponse = await takeOver;
        Assert.Equal(HttpStatusCode.Created, takeOverResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await abandoned).StatusCode);

        // Only the request holding the claim stores its response; the abandoned one cannot overwrite it.
        var replay = await PostAsync(client, "/test/idempotent-slow", new { name }, key);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await takeOverResponse.Content.ReadAsStringAsync(Ct), await replay.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2, State.Executions(name));
    }

    [Fact]
    public async Task An_expired_key_is_treated_as_new_and_the_purge_worker_deletes_expired_rows()
    {
        using var client = factory.CreateUserClient();
        var key = Guid.NewGuid().ToString();
        var name = NewName();
        await PostAsync(client, "/test/idempotent", new { name }, key);
        await UpdateRowAsync(key, expiresAt: DateTime.UtcNow.AddMinutes(-1));

        var afterExpiry = await PostAsync(client, "/test/idempotent", new { name }, key);

        Assert.Equal(HttpStatusCode.Created, afterExpiry.StatusCode);
        Assert.False(afterExpiry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, State.Executions(name));
        var row = Assert.Single(await RowsAsync(key));
        Assert.True(row.ExpiresAt > DateTime.UtcNow.AddHours(23));

        await UpdateRowAsync(key, expiresAt: DateTime.UtcNow.AddMinutes(-1));
        var purged = await factory.Services.GetRequiredService<IdempotencyPurgeWorker>().RunOnceAsync(Ct);
        Assert.True(purged >= 1);
        Assert.Empty(await RowsAsync(key));
    }

    [Fact]
    public async Task OpenApi_documents_the_idempotency_key_header()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var parameters = doc.GetProperty("paths").GetProperty("/test/idempotent-required").GetProperty("post").GetProperty("parameters");
        var header = Assert.Single(parameters.EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal("header", header.GetProperty("in").GetString());
        Assert.True(header.GetProperty("required").GetBoolean());
    }
}
