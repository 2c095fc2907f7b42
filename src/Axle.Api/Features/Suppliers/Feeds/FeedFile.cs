using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>
/// An opened file feed: a failure, a 304 (<see cref="NotModified"/>), or a body streamed by <see cref="ReadChunksAsync"/> in
/// chunks of pageSize records with constant memory. Positions: CSV = record number counting the header as 1 (the line
/// number when no field spans lines); JSON = index in the top-level array from 0. Records at or before
/// <see cref="FeedRequest.SkipThroughPosition"/> are read but not returned.
/// </summary>
public sealed class FeedFile : IAsyncDisposable
{
    private readonly HttpResponseMessage? response;
    private readonly FeedRequest? request;
    private readonly FeedClientOptions? options;
    private bool started;

    internal FeedFile(HttpResponseMessage response, FeedRequest request, FeedClientOptions options, FeedCallStats stats)
    {
        this.response = response;
        this.request = request;
        this.options = options;
        Stats = stats;
        ETag = response.Headers.ETag?.ToString();
        LastModified = response.Content.Headers.LastModified;
    }

    private FeedFile(FeedFailure? failure, bool notModified, string? etag, DateTimeOffset? lastModified, FeedCallStats stats)
    {
        Failure = failure;
        NotModified = notModified;
        ETag = etag;
        LastModified = lastModified;
        Stats = stats;
    }

    public FeedFailure? Failure { get; }
    public bool NotModified { get; }
    public string? ETag { get; }
    public DateTimeOffset? LastModified { get; }
    public FeedCallStats Stats { get; }
    public bool IsSuccess => Failure is null;

    internal static FeedFile Failed(FeedFailure failure, FeedCallStats stats) => new(failure, false, null, null, stats);

    internal static FeedFile Unchanged(string? etag, DateTimeOffset? lastModified, FeedCallStats stats) =>
        new(null, true, etag, lastModified, stats);

    /// <summary>
    /// The records in chunks. A malformed row or element is a <see cref="FeedRecordFailure"/> in its chunk and reading goes
    /// on; a broken structure (invalid JSON, a bad CSV header, a connection lost, the size cap) ends the stream with a chunk
    /// carrying <see cref="FeedFileChunk.Failure"/>. Can be enumerated once.
    /// </summary>
    public async IAsyncEnumerable<FeedFileChunk> ReadChunksAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        if (response is null || request is null || options is null)
        {
            yield break;
        }

        if (started)
        {
            throw new InvalidOperationException("A feed file can be read once.");
        }

        started = true;
        var stream = new LimitedReadStream(await response.Content.ReadAsStreamAsync(ct), options.MaxFileBytes);
        await using var source = request.Settings.Format == FeedFormat.CsvFile
            ? (RecordSource)new CsvSource(stream, request, options)
            : new JsonArraySource(stream, request, options);
        while (await source.NextChunkAsync(ct) is { } chunk)
        {
            yield return chunk;
            if (chunk.Failure is not null)
            {
                yield break;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        response?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads one chunk at a time; exceptions become a failure chunk here, because an iterator cannot catch around yield.</summary>
    private abstract class RecordSource(Stream stream, FeedRequest request, FeedClientOptions options) : IAsyncDisposable
    {
        private readonly List<RawRecord> records = [];
        private readonly List<FeedRecordFailure> failures = [];
        private long lastPosition = -1;
        private bool done;

        protected FeedRequest Request { get; } = request;
        protected FeedClientOptions Options { get; } = options;
        protected Stream Stream { get; } = stream;

        public async Task<FeedFileChunk?> NextChunkAsync(CancellationToken ct)
        {
            if (done)
            {
                return null;
            }

            records.Clear();
            failures.Clear();
            FeedFailure? failure = null;
            try
            {
                while (records.Count + failures.Count < Request.Settings.EffectivePageSize && await ReadNextAsync(ct))
                {
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (Classify(e) is { } classified)
            {
                failure = classified;
            }

            if (failure is null && records.Count + failures.Count < Request.Settings.EffectivePageSize)
            {
                done = true;
                if (records.Count + failures.Count == 0)
                {
                    return null;
                }
            }

            if (failure is not null)
            {
                done = true;
            }

            return new FeedFileChunk([.. records], [.. failures], lastPosition) { Failure = failure };
        }

        /// <summary>Reads one record (adding it, a failure, or nothing when skipped); false at the end of the body.</summary>
        protected abstract Task<bool> ReadNextAsync(CancellationToken ct);

        protected bool Skip(long position)
        {
            lastPosition = position;
            return Request.SkipThroughPosition is { } skip && position <= skip;
        }

        protected void Add(RawRecord record) => records.Add(record);

        protected void Reject(long position, string reason, string raw) =>
            failures.Add(new FeedRecordFailure(position, reason, FeedBody.Snippet(raw, 1024)));

        protected virtual FeedFailure? Classify(Exception e) => e switch
        {
            FeedResponseTooLargeException tooLarge => new FeedFailure(FeedFailureKind.Permanent, FeedFailureCodes.ResponseTooLarge,
                $"The file is larger than the {tooLarge.Limit} bytes allowed."),
            IOException or HttpRequestException or OperationCanceledException => new FeedFailure(FeedFailureKind.Transient,
                FeedFailureCodes.NetworkError, "The connection broke while reading the file: " + e.Message),
            _ => null,
        };

        public virtual ValueTask DisposeAsync() => Stream.DisposeAsync();
    }

    private sealed class CsvSource : RecordSource
    {
        private readonly StreamReader reader;
        private readonly CsvParser parser;
        private string[]? header;
        private string? badData;

        public CsvSource(Stream stream, FeedRequest request, FeedClientOptions options) : base(stream, request, options)
        {
            reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
            parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                BadDataFound = args => badData ??= args.Field,
                MaxFieldSize = options.MaxRecordBytes,
                IgnoreBlankLines = true,
            });
        }

        protected override async Task<bool> ReadNextAsync(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            badData = null;
            if (header is null)
            {
                if (!await parser.ReadAsync())
                {
                    return false;
                }

                header = parser.Record ?? [];
                if (badData is not null || HeaderProblem(header) is not null)
                {
                    throw new InvalidDataException(HeaderProblem(header) ?? "The header row is malformed.");
                }

                badData = null;
            }

            if (!await parser.ReadAsync())
            {
                return false;
            }

            long position = parser.Row;
            if (Skip(position))
            {
                return true;
            }

            var fields = parser.Record ?? [];
            if (badData is not null)
            {
                Reject(position, "A field has a stray quote.", parser.RawRecord);
            }
            else if (fields.Length != header.Length)
            {
                Reject(position, $"Expected {header.Length} fields, found {fields.Length}.", parser.RawRecord);
            }
            else
            {
                Add(new RawRecord(ToObject(header, fields), position));
            }

            return true;
        }

        private static string? HeaderProblem(string[] header)
        {
            if (header.Length == 0 || header.Any(string.IsNullOrWhiteSpace))
            {
                return "The header row has an empty column name.";
            }

            return header.Distinct(StringComparer.OrdinalIgnoreCase).Count() != header.Length
                ? "The header row repeats a column name."
                : null;
        }

        private static JsonElement ToObject(string[] header, string[] fields)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                for (var i = 0; i < header.Length; i++)
                {
                    writer.WriteString(header[i], fields[i]);
                }

                writer.WriteEndObject();
            }

            return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
        }

        protected override FeedFailure? Classify(Exception e) => e switch
        {
            InvalidDataException => new FeedFailure(FeedFailureKind.Permanent, FeedFailureCodes.InvalidPayload, e.Message),
            CsvHelperException when e.InnerException is FeedResponseTooLargeException or IOException or HttpRequestException =>
                base.Classify(e.InnerException),
            CsvHelperException => new FeedFailure(FeedFailureKind.Permanent, FeedFailureCodes.MalformedCsv,
                "The CSV file is malformed: " + FeedBody.Snippet(e.Message, 300)),
            _ => base.Classify(e),
        };

        public override async ValueTask DisposeAsync()
        {
            parser.Dispose();
            reader.Dispose();
            await base.DisposeAsync();
        }
    }

    private sealed class JsonArraySource : RecordSource
    {
        private IAsyncEnumerator<JsonElement>? elements;
        private long index = -1;

        public JsonArraySource(Stream stream, FeedRequest request, FeedClientOptions options) : base(stream, request, options)
        {
        }

        protected override async Task<bool> ReadNextAsync(CancellationToken ct)
        {
            // Only the elements of the top-level array are buffered, one at a time; anything else at the top is a JsonException.
            elements ??= JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(Stream, topLevelValues: false, cancellationToken: ct)
                .GetAsyncEnumerator(ct);
            if (!await elements.MoveNextAsync())
            {
                return false;
            }

            index++;
            if (Skip(index))
            {
                return true;
            }

            var element = elements.Current;
            if (element.ValueKind == JsonValueKind.Object)
            {
                Add(new RawRecord(element, index));
            }
            else
            {
                Reject(index, $"The element is a JSON {element.ValueKind}, not an object.", element.GetRawText());
            }

            return true;
        }

        protected override FeedFailure? Classify(Exception e) => e switch
        {
            JsonException => new FeedFailure(FeedFailureKind.Permanent, FeedFailureCodes.MalformedJson,
                $"The JSON file is malformed after element {index}: " + FeedBody.Snippet(e.Message, 300)),
            _ => base.Classify(e),
        };

        public override async ValueTask DisposeAsync()
        {
            if (elements is not null)
            {
                await elements.DisposeAsync();
            }

            await base.DisposeAsync();
        }
    }
}
