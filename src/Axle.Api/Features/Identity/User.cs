using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Identity;

/// <summary>A person who signs in with email and password. Roles live in <c>user_roles</c>.</summary>
internal sealed class User
{
    public const int EmailMaxLength = 254;
    public const int NameMaxLength = 100;
    public const int PhoneMaxLength = 32;

    private readonly List<UserRole> _roles = [];

    private User()
    {
    }

    public User(string email, string name, DateTime now)
    {
        Id = Guid.CreateVersion7();
        Email = email.Trim();
        NormalizedEmail = NormalizeEmail(email);
        Name = name;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
        _roles.Add(new UserRole(Id, Platform.Security.Roles.Customer));
    }

    public Guid Id { get; private set; }
    public string Email { get; private set; } = "";

    /// <summary>Trimmed and upper-cased: the unique business identity of a user.</summary>
    public string NormalizedEmail { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Phone { get; private set; }

    /// <summary>ASP.NET Core Identity format (PBKDF2, versioned); never leaves the server.</summary>
    public string PasswordHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>App-managed optimistic concurrency token, bumped by every verb.</summary>
    public long Version { get; private set; }
    public Address? DefaultShippingAddress { get; private set; }
    public Address? DefaultBillingAddress { get; private set; }
    public IReadOnlyCollection<UserRole> Roles => _roles;

    public IReadOnlyList<string> RoleNames => [.. _roles.Select(r => r.Role).Order(StringComparer.Ordinal)];

    public static string NormalizeEmail(string email) => email.Trim().ToUpperInvariant();

    public void SetPasswordHash(string passwordHash, DateTime now)
    {
        PasswordHash = passwordHash;
        Touch(now);
    }

    /// <summary>Changes only what is given; an empty phone clears it.</summary>
    public void UpdateProfile(string? name, string? phone, Address? shipping, Address? billing, DateTime now)
    {
        if (name is not null)
        {
            Name = name;
        }

        if (phone is not null)
        {
            Phone = phone.Length == 0 ? null : phone;
        }

        if (shipping is not null)
        {
            DefaultShippingAddress = shipping;
        }

        if (billing is not null)
        {
            DefaultBillingAddress = billing;
        }

        Touch(now);
    }

    /// <summary>Replaces the role set. Callers check that every role is known.</summary>
    public void ReplaceRoles(IEnumerable<string> roles, DateTime now)
    {
        var wanted = roles.ToHashSet(StringComparer.Ordinal);
        _roles.RemoveAll(r => !wanted.Contains(r.Role));
        foreach (var role in wanted.Where(w => _roles.TrueForAll(r => r.Role != w)))
        {
            _roles.Add(new UserRole(Id, role));
        }

        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

internal sealed class UserRole
{
    private UserRole()
    {
    }

    public UserRole(Guid userId, string role)
    {
        UserId = userId;
        Role = role;
    }

    public Guid UserId { get; private set; }
    public string Role { get; private set; } = "";
}

/// <summary>A postal address (API.md shape). <see cref="Country"/> is an upper-case ISO 3166-1 alpha-2 code.</summary>
internal sealed class Address
{
    private Address()
    {
    }

    public Address(
        string name, string line1, string? line2, string city, string region, string postalCode, string country, string? phone)
    {
        Name = name;
        Line1 = line1;
        Line2 = line2;
        City = city;
        Region = region;
        PostalCode = postalCode;
        Country = country;
        Phone = phone;
    }

    public string Name { get; private set; } = "";
    public string Line1 { get; private set; } = "";
    public string? Line2 { get; private set; }
    public string City { get; private set; } = "";
    public string Region { get; private set; } = "";
    public string PostalCode { get; private set; } = "";
    public string Country { get; private set; } = "";
    public string? Phone { get; private set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).ValueGeneratedNever();
        b.Property(u => u.Email).HasMaxLength(User.EmailMaxLength).IsRequired();
        b.Property(u => u.NormalizedEmail).HasMaxLength(User.EmailMaxLength).IsRequired();
        b.HasIndex(u => u.NormalizedEmail).IsUnique();
        b.Property(u => u.Name).HasMaxLength(User.NameMaxLength).IsRequired();
        b.Property(u => u.Phone).HasMaxLength(User.PhoneMaxLength);
        b.Property(u => u.PasswordHash).HasMaxLength(512).IsRequired();
        b.Property(u => u.Version).IsConcurrencyToken();
        b.HasIndex(u => u.CreatedAt);
        b.OwnsOne(u => u.DefaultShippingAddress, a => ConfigureAddress(a, "shipping_"));
        b.OwnsOne(u => u.DefaultBillingAddress, a => ConfigureAddress(a, "billing_"));
        b.HasMany(u => u.Roles).WithOne().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(u => u.Roles).HasField("_roles").UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Ignore(u => u.RoleNames);
    }

    private static void ConfigureAddress<TOwner>(OwnedNavigationBuilder<TOwner, Address> a, string prefix)
        where TOwner : class
    {
        a.Property(x => x.Name).HasColumnName(prefix + "name").HasMaxLength(AddressDto.NameMaxLength);
        a.Property(x => x.Line1).HasColumnName(prefix + "line1").HasMaxLength(AddressDto.LineMaxLength);
        a.Property(x => x.Line2).HasColumnName(prefix + "line2").HasMaxLength(AddressDto.LineMaxLength);
        a.Property(x => x.City).HasColumnName(prefix + "city").HasMaxLength(AddressDto.CityMaxLength);
        a.Property(x => x.Region).HasColumnName(prefix + "region").HasMaxLength(AddressDto.CityMaxLength);
        a.Property(x => x.PostalCode).HasColumnName(prefix + "postal_code").HasMaxLength(AddressDto.PostalCodeMaxLength);
        a.Property(x => x.Country).HasColumnName(prefix + "country").HasMaxLength(2);
        a.Property(x => x.Phone).HasColumnName(prefix + "phone").HasMaxLength(User.PhoneMaxLength);
    }
}

internal sealed class UserRoleConfiguration : IEntityTypeConfiguration<UserRole>
{
    public void Configure(EntityTypeBuilder<UserRole> b)
    {
        b.ToTable("user_roles");
        b.HasKey(r => new { r.UserId, r.Role });
        b.Property(r => r.Role).HasMaxLength(32);
        b.HasIndex(r => r.Role);
    }
}
