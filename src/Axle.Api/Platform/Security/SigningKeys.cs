using System.Security.Cryptography;
using Axle.Api.Platform.Data;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Axle.Api.Platform.Security;

/// <summary>
/// The ES256 key that signs every access token (user and machine). Taken from configuration, or generated once into
/// the data directory with owner-only permissions. Never in source.
/// </summary>
public sealed class SigningKeys
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    public SigningKeys(IOptions<JwtOptions> options, AppPaths paths)
    {
        var ecdsa = ECDsa.Create();
        var pem = options.Value.SigningKeyPem;
        if (string.IsNullOrWhiteSpace(pem))
        {
            pem = LoadOrCreate(Path.Combine(paths.KeysDirectory, "jwt-signing.pem"), () =>
            {
                using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                return fresh.ExportPkcs8PrivateKeyPem();
            });
        }

        ecdsa.ImportFromPem(pem);
        if (ecdsa.KeySize != 256)
        {
            throw new InvalidOperationException("Jwt:SigningKeyPem must be an EC P-256 private key.");
        }

        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16];
        Key = new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
        Credentials = new SigningCredentials(Key, Algorithm);
    }

    public ECDsaSecurityKey Key { get; }

    public SigningCredentials Credentials { get; }

    /// <summary>Reads a secret file, creating it atomically (owner read/write only) when absent.</summary>
    public static string LoadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temp, System.Text.Encoding.UTF8, options))
        {
            writer.Write(create());
        }

        try
        {
            // Another process may have won the race; its key is the one to keep.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }

        return File.ReadAllText(path);
    }
}
