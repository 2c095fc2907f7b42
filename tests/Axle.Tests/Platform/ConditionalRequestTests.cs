using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Axle.Api.Platform.Http;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Platform;

public sealed class ConditionalRequestTests(PlatformFactory factory) : IClassFixture<PlatformFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<string> CurrentETagAsync(HttpClient client, string id)
    {
        var response = await client.GetAsync($"/test/resources/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    private Task<HttpResponseMessage> PutAsync(HttpClient client, string id, string name, params string[] ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/test/resources/{id}") { Content = JsonContent.Create(new { name }) };
        foreach (var value in ifMatch)
        {
            request.Headers.TryAddWithoutValidation("If-Match", value);
        }

        return client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Get_sends_a_strong_etag_from_the_version()
    {
        var response = await factory.CreateClient().GetAsync($"/test/resources/{NewId()}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal(ETags.From(1), response.Headers.ETag.ToString());
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("W/{0}")]
    [InlineData("\"other\", {0}")]
    [InlineData("*")]
    public async Task Get_with_a_matching_if_none_match_is_304_with_the_etag_and_no_body(string format)
    {
        var client = factory.CreateClient();
        var id = NewId();
        var etag = await CurrentETagAsync(client, id);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/test/resources/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, etag));

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, response.Headers.ETag!.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Get_with_a_stale_if_none_match_is_200_with_the_body()
    {
        var client = factory.CreateClient();
        var id = NewId();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/test/resources/{id}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));

        var response = await client.SendAsync(request, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Put_with_the_current_if_match_succeeds_and_returns_the_new_etag()
    {
        var client = factory.CreateClient();
        var id = NewId();
        var etag = await CurrentETagAsync(client, id);

        var response = await PutAsync(client, id, "renamed", etag);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        Assert.Equal(ETags.From(2), response.Headers.ETag!.ToString());
        Assert.Equal(ETags.From(2), await CurrentETagAsync(client, id));
    }

    [Fact]
    public async Task Put_with_a_stale_if_match_is_412()
    {
        var client = factory.CreateClient();
        var id = NewId();
        var stale = await CurrentETagAsync(client, id);
        await PutAsync(client, id, "first", stale);

        var response = await PutAsync(client, id, "second", stale);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal(ETags.From(2), await CurrentETagAsync(client, id));
    }

    [Fact]
    public async Task Put_with_a_weak_if_match_is_412_because_if_match_compares_strongly()
    {
        var client = factory.CreateClient();
        var id = NewId();
        var etag = await CurrentETagAsync(client, id);

        var response = await PutAsync(client, id, "renamed", "W/" + etag);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
    }

    [Fact]
    public async Task Put_with_if_match_star_or_a_list_containing_the_current_etag_succeeds()
    {
        var client = factory.CreateClient();
        var id = NewId();

        var star = await PutAsync(client, id, "any", "*");
        var list = await PutAsync(client, id, "listed", "\"nope\", " + ETags.From(2));

        Assert.Equal(HttpStatusCode.OK, star.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Put_without_if_match_where_it_is_required_is_428_saying_how_to_resend()
    {
        var response = await PutAsync(factory.CreateClient(), NewId(), "blind write");

        var problem = await response.AssertProblemAsync(HttpStatusCode.PreconditionRequired, "precondition_required");
        Assert.Contains("If-Match", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_without_if_match_where_it_is_optional_runs_and_a_stale_one_is_412()
    {
        var client = factory.CreateClient();
        var id = NewId();

        var unconditional = await client.DeleteAsync($"/test/optional-resources/{id}", Ct);
        using var stale = new HttpRequestMessage(HttpMethod.Delete, $"/test/optional-resources/{id}");
        stale.Headers.TryAddWithoutValidation("If-Match", "\"stale\"");
        var conditional = await client.SendAsync(stale, Ct);

        Assert.Equal(HttpStatusCode.NoContent, unconditional.StatusCode);
        await conditional.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
    }
}
