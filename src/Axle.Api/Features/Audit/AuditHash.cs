using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Axle.Api.Features.Audit;

/// <summary>
/// The hash chain's one formula, shared by the chainer and the verifier:
/// <c>Hash = hex(SHA-256(previousHash + "|" + canonical fields))</c>, where the canonical fields are sequence, id,
/// occurredAt (round-trip "O", UTC), actorType, actorId, action, target, ip, outcome, details and traceId, joined by
/// <c>|</c>. Inside a field <c>\</c> and <c>|</c> are escaped and null is <c>\0</c>, so no value can shift into its
/// neighbour and null differs from empty. The first entry's previous hash is <see cref="Genesis"/>.
/// </summary>
internal static class AuditHash
{
    public static readonly string Genesis = new('0', 64);

    public static string Compute(string previousHash, long sequence, AuditEntry entry)
    {
        var text = new StringBuilder(previousHash, 512)
            .Append('|').Append(sequence.ToString(CultureInfo.InvariantCulture))
            .Append('|').Append(entry.Id.ToString(CultureInfo.InvariantCulture))
            .Append('|').Append(entry.OccurredAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Field(text, entry.ActorType);
        Field(text, entry.ActorId);
        Field(text, entry.Action);
        Field(text, entry.Target);
        Field(text, entry.Ip);
        Field(text, entry.Outcome.ToString());
        Field(text, entry.Details);
        Field(text, entry.TraceId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Field(StringBuilder text, string? value)
    {
        text.Append('|');
        if (value is null)
        {
            text.Append("\\0");
            return;
        }

        foreach (var c in value)
        {
            if (c is '\\' or '|')
            {
                text.Append('\\');
            }

            text.Append(c);
        }
    }
}
