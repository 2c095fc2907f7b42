using System.Buffers.Binary;
using System.Buffers.Text;

namespace Axle.SupplierSim;

/// <summary>
/// The opaque cursor: base64url of the last sequence served, the cursor generation (bumped by <c>ExpireCursors()</c>), the
/// issue time (for the TTL) and the <c>updated_since</c> filter, so follow-up pages need only the cursor.
/// </summary>
internal readonly record struct FeedCursor(long AfterSequence, long Generation, long IssuedAt, long Since)
{
    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteInt64BigEndian(bytes, AfterSequence);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Generation);
        BinaryPrimitives.WriteInt64BigEndian(bytes[16..], IssuedAt);
        BinaryPrimitives.WriteInt64BigEndian(bytes[24..], Since);
        return Base64Url.EncodeToString(bytes);
    }

    public static FeedCursor? TryDecode(string text)
    {
        Span<byte> bytes = stackalloc byte[33];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != 32)
        {
            return null;
        }

        return new FeedCursor(
            BinaryPrimitives.ReadInt64BigEndian(bytes),
            BinaryPrimitives.ReadInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[24..]));
    }
}
