using Axle.Api.Features.Audit;

namespace Axle.UnitTests;

public sealed class AuditHashTests
{
    private static readonly DateTime At = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Genesis_is_64_zeros()
    {
        Assert.Equal(64, AuditHash.Genesis.Length);
        Assert.All(AuditHash.Genesis, c => Assert.Equal('0', c));
    }

    [Fact]
    public void Hash_is_lowercase_hex_sha256_and_deterministic()
    {
        var hash = AuditHash.Compute(AuditHash.Genesis, 1, Entry("part/1", "10.0.0.1"));

        Assert.Equal(64, hash.Length);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, AuditHash.Compute(AuditHash.Genesis, 1, Entry("part/1", "10.0.0.1")));
    }

    [Fact]
    public void Hash_depends_on_previous_hash_and_sequence()
    {
        var entry = Entry("part/1", "10.0.0.1");
        var hash = AuditHash.Compute(AuditHash.Genesis, 1, entry);

        Assert.NotEqual(hash, AuditHash.Compute(AuditHash.Genesis, 2, entry));
        Assert.NotEqual(hash, AuditHash.Compute(new string('1', 64), 1, entry));
    }

    [Fact]
    public void A_separator_inside_a_field_cannot_pass_for_a_field_boundary()
    {
        var shiftedLeft = AuditHash.Compute(AuditHash.Genesis, 1, Entry("a|b", "c"));
        var shiftedRight = AuditHash.Compute(AuditHash.Genesis, 1, Entry("a", "b|c"));

        Assert.NotEqual(shiftedLeft, shiftedRight);
    }

    [Fact]
    public void A_null_field_differs_from_an_empty_one()
    {
        Assert.NotEqual(
            AuditHash.Compute(AuditHash.Genesis, 1, Entry(null, "10.0.0.1")),
            AuditHash.Compute(AuditHash.Genesis, 1, Entry("", "10.0.0.1")));
    }

    [Fact]
    public void Every_recorded_fact_is_covered_by_the_hash()
    {
        var baseline = AuditHash.Compute(AuditHash.Genesis, 1, Entry("part/1", "10.0.0.1"));
        AuditEntry[] variants =
        [
            new(At.AddTicks(10), "user", "u1", "parts.updated", "part/1", "10.0.0.1", AuditOutcome.Success, "{}", "t1"),
            new(At, "client", "u1", "parts.updated", "part/1", "10.0.0.1", AuditOutcome.Success, "{}", "t1"),
            new(At, "user", "u2", "parts.updated", "part/1", "10.0.0.1", AuditOutcome.Success, "{}", "t1"),
            new(At, "user", "u1", "parts.deleted", "part/1", "10.0.0.1", AuditOutcome.Success, "{}", "t1"),
            new(At, "user", "u1", "parts.updated", "part/1", "10.0.0.1", AuditOutcome.Denied, "{}", "t1"),
            new(At, "user", "u1", "parts.updated", "part/1", "10.0.0.1", AuditOutcome.Success, "{\"a\":1}", "t1"),
            new(At, "user", "u1", "parts.updated", "part/1", "10.0.0.1", AuditOutcome.Success, "{}", "t2"),
        ];

        Assert.All(variants, v => Assert.NotEqual(baseline, AuditHash.Compute(AuditHash.Genesis, 1, v)));
    }

    private static AuditEntry Entry(string? target, string? ip) =>
        new(At, "user", "u1", "parts.updated", target, ip, AuditOutcome.Success, "{}", "t1");
}
