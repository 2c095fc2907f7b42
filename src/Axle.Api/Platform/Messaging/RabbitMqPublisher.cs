using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Axle.Api.Platform.Messaging;

public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "Messaging:RabbitMq";

    /// <summary>Broker address, e.g. <c>amqp://axle:secret@mq.internal:5672/</c> (or amqps). Unset: no broker, webhooks only.</summary>
    public string? Uri { get; set; }

    /// <summary>A durable topic exchange, declared at first use; the routing key is the event type (<c>order.created</c>).</summary>
    [Required, StringLength(200, MinimumLength = 1)]
    public string Exchange { get; set; } = "axle.events";

    /// <summary>How long a batch waits for the broker's confirms before it is rolled back and relayed again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Uri);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && !(System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps"))
        {
            yield return new ValidationResult("Messaging:RabbitMq:Uri must be an amqp:// or amqps:// URI.", [nameof(Uri)]);
        }
    }
}

/// <summary>
/// Publishes every relayed event to RabbitMQ: persistent messages on a durable topic exchange, routing key = event type,
/// message id = the event's id (<see cref="OutboxEnvelope.MessageId"/>), body = the same envelope webhooks carry. Publisher
/// confirms are awaited before the relay commits, so an event is marked relayed only once the broker has it; a broker that
/// is down or refuses fails the batch, which is relayed again later (consumers deduplicate on the message id, since a
/// crash between the confirm and the commit publishes a batch twice).
/// </summary>
public sealed partial class RabbitMqPublisher(IOptions<RabbitMqOptions> options, ILogger<RabbitMqPublisher> log)
    : IOutboxSink, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    public async Task HandleAsync(AppDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken ct)
    {
        var o = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.PublishTimeout);
        await _gate.WaitAsync(timeout.Token);
        try
        {
            var channel = await ChannelAsync(o, timeout.Token);
            try
            {
                // With confirmation tracking on, each publish completes when the broker confirms it; they run side by side.
                var publishes = new List<Task>(events.Count);
                foreach (var e in events)
                {
                    var properties = new BasicProperties
                    {
                        Persistent = true,
                        MessageId = OutboxEnvelope.MessageId(e.Id),
                        Type = e.Type,
                        ContentType = "application/json",
                        Timestamp = new AmqpTimestamp(new DateTimeOffset(DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc)).ToUnixTimeSeconds()),
                    };
                    var body = OutboxEnvelope.Serialize(e.Type, e.OccurredAt, e.Payload);
                    publishes.Add(channel.BasicPublishAsync(o.Exchange, e.Type, mandatory: false, properties, body, timeout.Token).AsTask());
                }

                await Task.WhenAll(publishes);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogPublishFailed(log, ex, events.Count);
                await ResetAsync();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(RabbitMqOptions o, CancellationToken ct)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await ResetAsync();
        var factory = new ConnectionFactory
        {
            Uri = new Uri(o.Uri!),
            ClientProvidedName = "axle-outbox",
            AutomaticRecoveryEnabled = false, // a failed batch reconnects on the next one
        };
        _connection = await factory.CreateConnectionAsync(ct);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        await _channel.ExchangeDeclareAsync(o.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        return _channel;
    }

    private async Task ResetAsync()
    {
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException or ObjectDisposedException)
        {
            LogCloseFailed(log, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} events to RabbitMQ failed; the batch will be relayed again")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the RabbitMQ connection failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);
}

public static class RabbitMqSetup
{
    /// <summary>Binds <see cref="RabbitMqOptions"/>; when a URI is configured, every relayed event is also published to the broker.</summary>
    public static WebApplicationBuilder AddRabbitMq(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var configured = builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>();
        if (configured?.Enabled == true)
        {
            builder.Services.AddSingleton<RabbitMqPublisher>();
            builder.Services.AddSingleton<IOutboxSink>(sp => sp.GetRequiredService<RabbitMqPublisher>());
        }

        return builder;
    }
}
