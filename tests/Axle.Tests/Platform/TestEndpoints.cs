using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Http;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Platform;

/// <summary>The real app plus test-only endpoints under <c>/test</c> that exercise the HTTP platform.</summary>
public class PlatformFactory : AxleFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TestEndpointState>();
            services.AddTransient<IStartupFilter, TestEndpointsStartupFilter>();

            // Registers the validation metadata generated for this assembly's records (the call is intercepted).
            services.AddValidation();
        });
    }
}

/// <summary>What the test endpoints did, so tests can count handler executions and hold a handler open.</summary>
public sealed class TestEndpointState
{
    private readonly ConcurrentDictionary<string, int> _executions = new();
    private readonly ConcurrentDictionary<string, int> _entries = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, long> _versions = new();

    public int Executions(string name) => _executions.GetValueOrDefault(name);

    public int Execute(string name) => _executions.AddOrUpdate(name, 1, (_, n) => n + 1);

    /// <summary>Completes once a slow handler for <paramref name="name"/> is running.</summary>
    public Task Entered(string name) => _entered.GetOrAdd(name, _ => NewSource()).Task;

    public void SignalEntered(string name)
    {
        _entries.AddOrUpdate(name, 1, (_, n) => n + 1);
        _entered.GetOrAdd(name, _ => NewSource()).TrySetResult();
    }

    /// <summary>How many slow handlers for <paramref name="name"/> have started (they count as executions only once released).</summary>
    public int Entries(string name) => _entries.GetValueOrDefault(name);

    /// <summary>The gate a slow handler for <paramref name="name"/> waits on; the test opens it.</summary>
    public TaskCompletionSource Gate(string name) => _gates.GetOrAdd(name, _ => NewSource());

    public long Version(string id) => _versions.GetOrAdd(id, 1);

    public long Bump(string id) => _versions.AddOrUpdate(id, 2, (_, v) => v + 1);

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed record TestCommand(string Name, string? Mode = null);

public sealed record TestCreated(Guid Id, string Name, int Execution);

public sealed record TestOrder(
    [property: Required, StringLength(10)] string Name,
    [property: Range(1, 99)] int Quantity,
    [property: EmailAddress] string? Email = null);

public sealed record TestResource(string Id, string Name, long Version);

public sealed record TestResourceUpdate(string Name);

internal sealed class TestEndpointsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);

        // After the app's own configuration the pipeline still names the WebApplication as its endpoint route builder,
        // so UseEndpoints maps onto the app's routes (matched by its UseRouting) and publishes them to the OpenAPI document.
        app.UseEndpoints(TestEndpoints.Map);
    };
}

internal static class TestEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var test = routes.MapGroup("/test");

        test.MapPost("/idempotent", Create).RequireAuthorization().WithIdempotency();
        test.MapPost("/idempotent-required", Create).RequireAuthorization().WithIdempotency(required: true);
        test.MapPost("/idempotent-anonymous", Create).AllowAnonymous().WithIdempotency();
        test.MapPost("/idempotent-slow", async (TestCommand command, TestEndpointState state, HttpContext http) =>
        {
            state.SignalEntered(command.Name);
            await state.Gate(command.Name).Task.WaitAsync(TimeSpan.FromSeconds(30));
            return Create(command, state, http);
        }).RequireAuthorization().WithIdempotency();
        test.MapPost("/idempotent-validated", (TestOrder order, TestEndpointState state) =>
        {
            var execution = state.Execute(order.Name);
            return TypedResults.Created($"/test/things/{order.Name}", new TestCreated(Guid.NewGuid(), order.Name, execution));
        }).RequireAuthorization().WithIdempotency();

        test.MapPost("/validated", (TestOrder order) => TypedResults.Ok(order));
        test.MapGet("/boom", string () => throw new InvalidOperationException("SELECT secret FROM users; at Axle.Secret.Type"));
        // What EF Core and Npgsql throw while PostgreSQL is down or shutting down (the database outage script sees both).
        test.MapGet("/db-refused", string () => throw new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5433", new System.Net.Sockets.SocketException(111))));
        test.MapGet("/db-shutdown", string () => throw new Npgsql.PostgresException(
            "terminating connection due to administrator command", "FATAL", "FATAL", "57P01"));
        test.MapGet("/db-constraint", string () => throw new Npgsql.PostgresException(
            "duplicate key value violates unique constraint \"IX_secret\"", "ERROR", "ERROR", "23505"));

        test.MapGet("/resources/{id}", (string id, TestEndpointState state, HttpContext http) =>
        {
            var version = state.Version(id);
            if (Conditional.CheckIfNoneMatch(http, ETags.From(version)) is { } notModified)
            {
                return (IResult)notModified;
            }

            return TypedResults.Ok(new TestResource(id, "resource " + id, version));
        });
        test.MapPut("/resources/{id}", Results<Ok<TestResource>, ProblemHttpResult> (
            string id, TestResourceUpdate update, TestEndpointState state, HttpContext http) =>
        {
            if (Conditional.RequireIfMatch(http, ETags.From(state.Version(id))) is { } failure)
            {
                return failure;
            }

            var version = state.Bump(id);
            Conditional.SetETag(http, ETags.From(version));
            return TypedResults.Ok(new TestResource(id, update.Name, version));
        });
        test.MapDelete("/optional-resources/{id}", (string id, TestEndpointState state, HttpContext http) =>
            Conditional.CheckIfMatch(http, ETags.From(state.Version(id))) is { } failure ? (IResult)failure : TypedResults.NoContent());
    }

    /// <summary>Modes: <c>throw-once</c> fails on the first execution, <c>throw</c> always, <c>503</c> and <c>409</c> answer with that problem.</summary>
    private static IResult Create(TestCommand command, TestEndpointState state, HttpContext http)
    {
        var execution = state.Execute(command.Name);
        switch (command.Mode)
        {
            case "throw":
            case "throw-once" when execution == 1:
                throw new InvalidOperationException("Handler failed on purpose");
            case "503":
                return Problems.Create(503, "service_unavailable", "Service unavailable", "Try later.");
            case "409":
                return Problems.Conflict("test_conflict", "Test conflict", $"Execution {execution} refused.");
        }

        var id = Guid.NewGuid();
        http.Response.Headers.ETag = ETags.From(execution);
        return TypedResults.Created($"/test/things/{id}", new TestCreated(id, command.Name, execution));
    }
}
