using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Axle.Api.Features.Clients;

// OpenIddict's entities join the one AppDbContext model through the same IEntityTypeConfiguration discovery every
// feature uses, so neither AppDbContext nor the provider setup has to know about OAuth. OpenIddict's own configurations
// do the mapping; we only give the tables names in the house style. Authorizations and tokens are not stored
// (DisableAuthorizationStorage/DisableTokenStorage) but stay in the model because the application store deletes
// them with their client.

internal sealed class OAuthApplicationConfiguration : IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreApplication>
{
    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreApplication> b)
    {
        new OpenIddictEntityFrameworkCoreApplicationConfiguration<
            OpenIddictEntityFrameworkCoreApplication, OpenIddictEntityFrameworkCoreAuthorization,
            OpenIddictEntityFrameworkCoreToken, string>().Configure(b);
        b.ToTable("oauth_applications");
    }
}

internal sealed class OAuthAuthorizationConfiguration : IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreAuthorization>
{
    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreAuthorization> b)
    {
        new OpenIddictEntityFrameworkCoreAuthorizationConfiguration<
            OpenIddictEntityFrameworkCoreAuthorization, OpenIddictEntityFrameworkCoreApplication,
            OpenIddictEntityFrameworkCoreToken, string>().Configure(b);
        b.ToTable("oauth_authorizations");
    }
}

internal sealed class OAuthScopeConfiguration : IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreScope>
{
    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreScope> b)
    {
        new OpenIddictEntityFrameworkCoreScopeConfiguration<OpenIddictEntityFrameworkCoreScope, string>().Configure(b);
        b.ToTable("oauth_scopes");
    }
}

internal sealed class OAuthTokenConfiguration : IEntityTypeConfiguration<OpenIddictEntityFrameworkCoreToken>
{
    public void Configure(EntityTypeBuilder<OpenIddictEntityFrameworkCoreToken> b)
    {
        new OpenIddictEntityFrameworkCoreTokenConfiguration<
            OpenIddictEntityFrameworkCoreToken, OpenIddictEntityFrameworkCoreApplication,
            OpenIddictEntityFrameworkCoreAuthorization, string>().Configure(b);
        b.ToTable("oauth_tokens");
    }
}
