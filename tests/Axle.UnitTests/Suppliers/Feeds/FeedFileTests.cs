using System.Net;
using System.Text;
using Axle.Api.Features.Suppliers.Feeds;
using static Axle.UnitTests.Suppliers.Feeds.FeedHarness;

namespace Axle.UnitTests.Suppliers.Feeds;

/// <summary>Whole-file feeds (CSV and JSON array) streamed in chunks through the real registration.</summary>
public sealed class FeedFileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FeedHarness Serving(string body, Dictionary<string, string?>? config = null) =>
        Answering(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/csv") }, config);

    private static FeedRequest FileRequest(FeedFormat format, int pageSize = 2) =>
        Request(settings: Settings(format, "https://feeds.example.com/feed/stock.file") with { PageSize = pageSize });

    private static async Task<List<FeedFileChunk>> ReadAll(FeedHarness harness, FeedRequest request)
    {
        await using var file = await harness.Client.OpenFileAsync(request, Ct);
        Assert.True(file.IsSuccess, file.Failure?.Message);
        var chunks = new List<FeedFileChunk>();
        await foreach (var chunk in file.ReadChunksAsync(Ct))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    private const string Csv = """
        sku,warehouse,quantity
        A,W1,5
        B,W1,"1,000"
        C,W1
        D,W1,7
        E,W"2,3
        F,W1,9

        """;

    [Fact]
    public async Task A_csv_file_streams_in_chunks_of_page_size_with_line_positions_and_bad_rows_reported()
    {
        using var harness = Serving(Csv);

        var chunks = await ReadAll(harness, FileRequest(FeedFormat.CsvFile));

        Assert.All(chunks, c => Assert.True(c.Records.Count + c.RecordFailures.Count <= 2));
        Assert.All(chunks, c => Assert.Null(c.Failure));
        var records = chunks.SelectMany(c => c.Records).ToList();
        Assert.Equal(["A", "B", "D", "F"], records.Select(r => r.Value.GetProperty("sku").GetString()));
        Assert.Equal([2L, 3L, 5L, 7L], records.Select(r => r.Position));
        Assert.Equal("1,000", records[1].Value.GetProperty("quantity").GetString());
        var failures = chunks.SelectMany(c => c.RecordFailures).ToList();
        Assert.Equal([4L, 6L], failures.Select(f => f.Position));
        Assert.Contains("Expected 3 fields", failures[0].Reason, StringComparison.Ordinal);
        Assert.Contains("C,W1", failures[0].RawSnippet, StringComparison.Ordinal);
        Assert.Equal(7L, chunks[^1].LastPosition);
    }

    [Fact]
    public async Task A_resumed_csv_run_skips_what_was_already_committed()
    {
        using var harness = Serving(Csv);

        var chunks = await ReadAll(harness, FileRequest(FeedFormat.CsvFile) with { SkipThroughPosition = 5 });

        Assert.Equal([7L], chunks.SelectMany(c => c.Records).Select(r => r.Position));
        Assert.Equal([6L], chunks.SelectMany(c => c.RecordFailures).Select(f => f.Position));
    }

    [Fact]
    public async Task A_csv_header_with_a_repeated_column_is_a_permanent_structure_failure()
    {
        using var harness = Serving("sku,SKU\nA,B\n");

        var chunk = Assert.Single(await ReadAll(harness, FileRequest(FeedFormat.CsvFile)));

        Assert.Equal(FeedFailureCodes.InvalidPayload, chunk.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, chunk.Failure?.Kind);
    }

    [Fact]
    public async Task A_json_file_streams_elements_with_their_index_and_reports_non_objects()
    {
        using var harness = Serving("""[{"sku":"A"},42,{"sku":"C"},{"sku":"D"},{"sku":"E"}]""");

        var chunks = await ReadAll(harness, FileRequest(FeedFormat.JsonFile));

        Assert.Equal(3, chunks.Count);
        Assert.Equal([0L, 2L, 3L, 4L], chunks.SelectMany(c => c.Records).Select(r => r.Position));
        var failure = Assert.Single(chunks.SelectMany(c => c.RecordFailures));
        Assert.Equal(1, failure.Position);
        Assert.Equal("42", failure.RawSnippet);
    }

    [Fact]
    public async Task A_truncated_json_file_ends_with_a_permanent_failure_after_the_good_elements()
    {
        using var harness = Serving("""[{"sku":"A"},{"sku":"B"},{"sku":"C"},{"sku":""");

        var chunks = await ReadAll(harness, FileRequest(FeedFormat.JsonFile));

        Assert.Equal(["A", "B", "C"], chunks.SelectMany(c => c.Records).Select(r => r.Value.GetProperty("sku").GetString()));
        Assert.Equal(FeedFailureCodes.MalformedJson, chunks[^1].Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, chunks[^1].Failure?.Kind);
    }

    [Fact]
    public async Task A_json_file_that_is_not_an_array_is_malformed()
    {
        using var harness = Serving("""{"items":[]}""");

        var chunk = Assert.Single(await ReadAll(harness, FileRequest(FeedFormat.JsonFile)));

        Assert.Equal(FeedFailureCodes.MalformedJson, chunk.Failure?.Code);
    }

    [Fact]
    public async Task A_file_over_the_size_cap_ends_with_response_too_large()
    {
        var csv = "sku,quantity\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"SKU{i},1\n"));
        using var harness = Serving(csv, new() { ["Suppliers:Feeds:MaxFileBytes"] = "4096" });

        var chunks = await ReadAll(harness, FileRequest(FeedFormat.CsvFile, pageSize: 100));

        Assert.Equal(FeedFailureCodes.ResponseTooLarge, chunks[^1].Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, chunks[^1].Failure?.Kind);
    }

    [Fact]
    public async Task A_large_file_is_streamed_not_buffered()
    {
        var content = new GeneratedCsv(rows: 200_000);
        using var harness = Answering(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = content },
            new() { ["Suppliers:Feeds:MaxPageBytes"] = "4096" });

        await using var file = await harness.Client.OpenFileAsync(FileRequest(FeedFormat.CsvFile, pageSize: 500), Ct);
        var enumerator = file.ReadChunksAsync(Ct).GetAsyncEnumerator(Ct);
        Assert.True(await enumerator.MoveNextAsync());
        var producedAtFirstChunk = content.Produced;
        var total = enumerator.Current.Records.Count;
        while (await enumerator.MoveNextAsync())
        {
            total += enumerator.Current.Records.Count;
        }

        await enumerator.DisposeAsync();
        Assert.Equal(200_000, total);
        Assert.True(producedAtFirstChunk < content.Produced / 10, $"{producedAtFirstChunk} of {content.Produced} bytes read before the first chunk");
    }

    [Fact]
    public async Task A_304_on_a_file_is_not_modified()
    {
        using var harness = Answering(_ => Status(HttpStatusCode.NotModified));

        await using var file = await harness.Client.OpenFileAsync(FileRequest(FeedFormat.CsvFile) with { ETag = "\"f1\"" }, Ct);

        Assert.True(file.NotModified);
        Assert.Equal("\"f1\"", file.ETag);
        Assert.Equal("\"f1\"", harness.Seen.Single().Header("If-None-Match"));
        Assert.Empty(await ToListAsync(file.ReadChunksAsync(Ct)));
    }

    [Fact]
    public async Task A_file_that_is_missing_is_a_permanent_failure()
    {
        using var harness = Answering(_ => Status(HttpStatusCode.NotFound));

        await using var file = await harness.Client.OpenFileAsync(FileRequest(FeedFormat.JsonFile), Ct);

        Assert.Equal(FeedFailureCodes.NotFound, file.Failure?.Code);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>A CSV body produced on demand, counting how much of it the reader has pulled.</summary>
    private sealed class GeneratedCsv(int rows) : HttpContent
    {
        private long produced;

        public long Produced => Interlocked.Read(ref produced);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => throw new NotSupportedException();

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new Generator(this, rows));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        private sealed class Generator(GeneratedCsv owner, int rows) : Stream
        {
            private int row = -1;
            private byte[] pending = [];
            private int offset;

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int start, int count)
            {
                if (offset == pending.Length)
                {
                    if (row >= rows)
                    {
                        return 0;
                    }

                    var lines = new StringBuilder();
                    for (var i = 0; i < 100 && row < rows; i++, row++)
                    {
                        lines.Append(row < 0 ? "sku,warehouse,quantity\n" : $"SKU-{row:D7},W1,{row % 97}\n");
                    }

                    pending = Encoding.ASCII.GetBytes(lines.ToString());
                    offset = 0;
                }

                var n = Math.Min(count, pending.Length - offset);
                Array.Copy(pending, offset, buffer, start, n);
                offset += n;
                Interlocked.Add(ref owner.produced, n);
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long position, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int start, int count) => throw new NotSupportedException();
        }
    }
}
