using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Identity;

/// <summary>
/// One refresh token of a rotation family (RFC 9700 §4.14). Only the SHA-256 of the token is stored. A token is spent
/// once (<see cref="UsedAt"/>); presenting a spent token again revokes every token of its family.
/// </summary>
internal sealed class RefreshToken
{
    /// <summary>256 random bits, base64url without padding.</summary>
    public const int TokenLength = 43;

    private RefreshToken()
    {
    }

    private RefreshToken(Guid userId, string tokenHash, Guid familyId, Guid? parentId, DateTime createdAt, DateTime expiresAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        TokenHash = tokenHash;
        FamilyId = familyId;
        ParentId = parentId;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes.</summary>
    public string TokenHash { get; private set; } = "";
    public Guid FamilyId { get; private set; }
    public Guid? ParentId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? UsedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    /// <summary>Creates a token; the plain value is returned to the client once and never stored.</summary>
    public static (string Token, RefreshToken Entity) Create(
        Guid userId, Guid? familyId, Guid? parentId, DateTime now, TimeSpan lifetime)
    {
        var token = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var entity = new RefreshToken(userId, Hash(token), familyId ?? Guid.CreateVersion7(), parentId, now, now + lifetime);
        return (token, entity);
    }

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether the value could be one of our tokens at all; saves a query on garbage.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> b)
    {
        b.ToTable("refresh_tokens");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.TokenHash).HasMaxLength(64).IsRequired();
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.FamilyId);
        b.HasIndex(t => t.UserId);
        b.HasIndex(t => t.ExpiresAt);
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
