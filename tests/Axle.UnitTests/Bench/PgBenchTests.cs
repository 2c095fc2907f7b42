using System.Text.RegularExpressions;
using Axle.Bench.Inventory;
using Axle.Bench.Orders;

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
        foreach (var script in (string[])[PgBench.TransactionScript, PgBench.RequestScript, CheckoutPgBench.TransactionsScript,
                     CheckoutPgBench.RequestScript])
        {
            var literals = script.Split('\'').Where((_, i) => i % 2 == 1);
            Assert.DoesNotContain(literals, l => Regex.IsMatch(l, ":[A-Za-z_]"));
        }
    }

    [Fact]
    public void Checkout_scripts_use_only_variables_they_set_or_the_command_passes()
    {
        foreach (var script in (string[])[CheckoutPgBench.TransactionsScript, CheckoutPgBench.RequestScript])
        {
            var set = Regex.Matches(script, @"^\\set ([a-z_0-9]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value)
                .Concat(Regex.Matches(script, @"AS ([a-z_0-9]+) \\gset").Select(m => m.Groups[1].Value))
                .Concat(CheckoutPgBench.Variables)
                .ToHashSet();
            var used = Regex.Matches(script, "(?<!:):([A-Za-z_][A-Za-z_0-9]*)").Select(m => m.Groups[1].Value).ToHashSet();

            Assert.Empty(used.Except(set));
            Assert.Contains("l3", used);
        }
    }

    [Fact]
    public void Checkout_scripts_hold_both_transactions_and_the_request_claims_the_key_first_and_stores_the_answer_last()
    {
        Assert.Equal(2, Regex.Count(CheckoutPgBench.TransactionsScript, "^COMMIT;", RegexOptions.Multiline));
        Assert.Equal(2, Regex.Count(CheckoutPgBench.RequestScript, "^COMMIT;", RegexOptions.Multiline));
        Assert.StartsWith(@"\set key", CheckoutPgBench.RequestScript, StringComparison.Ordinal);
        Assert.EndsWith("\"ClaimToken\" = md5('t' || :key::text)::uuid;", CheckoutPgBench.RequestScript.TrimEnd(), StringComparison.Ordinal);
    }
}
