using Axle.Bench.Inventory;

namespace Axle.UnitTests.Bench;

public sealed class PgBenchTests
{
    private const string Summary = """
        pgbench (15.18 (Debian 15.18-0+deb12u1))
        transaction type: /tmp/axle-bench-reservation-transaction-1.sql
        scaling factor: 1
        query mode: prepared
        number of clients: 32
        number of threads: 2
        maximum number of tries: 1
        duration: 15 s
        number of transactions actually processed: 6035
        number of failed transactions: 2 (0.033%)
        latency average = 79.561 ms
        initial connection time = 95.177 ms
        tps = 402.206838 (without initial connection time)
        """;

    [Fact]
    public void Parse_reads_transactions_failures_tps_and_latency_from_the_summary()
    {
        var parsed = PgBench.Parse(Summary);

        Assert.Equal((6035L, 2L, 402.206838, 79.561), parsed);
    }

    [Fact]
    public void Parse_of_an_aborted_run_without_a_tps_line_is_null() =>
        Assert.Null(PgBench.Parse("pgbench: error: Run was aborted; the above results are incomplete."));

    [Fact]
    public void Scripts_never_put_a_letter_right_after_a_colon_inside_a_string_literal()
    {
        // pgbench would turn it into a parameter ("could not determine data type of parameter $1").
        foreach (var script in (string[])[PgBench.TransactionScript, PgBench.RequestScript])
        {
            var literals = script.Split('\'').Where((_, i) => i % 2 == 1);
            Assert.DoesNotContain(literals, l => System.Text.RegularExpressions.Regex.IsMatch(l, ":[A-Za-z_]"));
        }
    }
}
