using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Axle.Api.Platform.Data;

namespace Axle.Api.Features.Backups;

/// <summary>
/// What a backup file says about itself. <see cref="Sha256"/> is the hex SHA-256 of the payload entry: restore and verify
/// recompute it before touching any database.
/// </summary>
public sealed record BackupManifest(
    int Format,
    DatabaseProvider Provider,
    DateTime CreatedAt,
    string AppVersion,
    string? MigrationId,
    string Payload,
    long PayloadBytes,
    string Sha256);

/// <summary>A backup file opened and checked: its manifest and the payload extracted next to it, or why it was refused.</summary>
internal sealed record OpenedBackup(BackupManifest? Manifest, string? Problem);

/// <summary>
/// A backup file is a zip holding <c>manifest.json</c> and one payload: <c>database.sqlite</c> (a SQLite database file) or
/// <c>database.pgdump</c> (a <c>pg_dump --format=custom</c> archive). Plain zip, so an operator can take it apart with
/// <c>unzip</c> and use the payload with <c>sqlite3</c> or <c>pg_restore</c> without Axle.
/// </summary>
internal static class BackupArchive
{
    public const int Format = 1;
    public const string ManifestEntry = "manifest.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    static BackupArchive() => Json.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());

    /// <summary>Writes the archive to a temporary name and renames it, so a file under its final name is always complete.</summary>
    public static async Task<BackupManifest> WriteAsync(
        string path, string payloadPath, string payloadName, DatabaseProvider provider, DateTime createdAt, string? migrationId,
        CancellationToken ct)
    {
        string sha256;
        await using (var payload = File.OpenRead(payloadPath))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(payload, ct));
        }

        var manifest = new BackupManifest(Format, provider, createdAt, AppVersion, migrationId, payloadName,
            new FileInfo(payloadPath).Length, sha256);
        var partial = path + ".partial";
        try
        {
            await WriteZipAsync(partial, manifest, payloadPath, ct);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        File.Move(partial, path, overwrite: true);
        return manifest;
    }

    private static async Task WriteZipAsync(string partial, BackupManifest manifest, string payloadPath, CancellationToken ct)
    {
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
        await using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            await using (var entry = await zip.CreateEntry(ManifestEntry).OpenAsync(ct))
            {
                await JsonSerializer.SerializeAsync(entry, manifest, Json, ct);
            }

            // A pg_dump custom archive is compressed already; a SQLite file is mostly slack and compresses well.
            var level = manifest.Provider == DatabaseProvider.Sqlite ? CompressionLevel.Fastest : CompressionLevel.NoCompression;
            await using var target = await zip.CreateEntry(manifest.Payload, level).OpenAsync(ct);
            await using var source = File.OpenRead(payloadPath);
            await source.CopyToAsync(target, ct);
        }
    }

    /// <summary>
    /// Reads the manifest, checks format and provider, and extracts the payload to <paramref name="payloadPath"/> while
    /// hashing it. Any damage (not a zip, a truncated file, a changed byte) is a refusal with a reason, never a half-restore.
    /// </summary>
    public static async Task<OpenedBackup> OpenAsync(string path, DatabaseProvider provider, string payloadPath, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return Refused($"Backup file '{path}' does not exist.");
        }

        try
        {
            await using var zip = await ZipFile.OpenReadAsync(path, ct);
            if (zip.GetEntry(ManifestEntry) is not { } manifestEntry)
            {
                return Refused($"'{path}' is not an Axle backup: it has no {ManifestEntry}.");
            }

            BackupManifest? manifest;
            await using (var stream = await manifestEntry.OpenAsync(ct))
            {
                manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, Json, ct);
            }

            if (manifest is null || manifest.Format != Format || string.IsNullOrEmpty(manifest.Sha256))
            {
                return Refused($"'{path}' has a manifest this version of Axle does not understand (format {manifest?.Format}).");
            }

            if (manifest.Provider != provider)
            {
                return Refused($"'{path}' is a {manifest.Provider} backup; this Axle runs on {provider}. Restore it into a {manifest.Provider} database.");
            }

            if (zip.GetEntry(manifest.Payload) is not { } payloadEntry)
            {
                return Refused($"'{path}' is damaged: the payload '{manifest.Payload}' named in its manifest is missing.");
            }

            string actual;
            await using (var source = await payloadEntry.OpenAsync(ct))
            await using (var target = new FileStream(payloadPath, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            return actual == manifest.Sha256
                ? new OpenedBackup(manifest, null)
                : Refused($"'{path}' is damaged: its payload's SHA-256 is {actual}, the manifest says {manifest.Sha256}.");
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or EndOfStreamException or NotSupportedException)
        {
            return Refused($"'{path}' is damaged or not an Axle backup: {e.Message}");
        }
    }

    public static string AppVersion { get; } =
        typeof(BackupArchive).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    private static OpenedBackup Refused(string problem) => new(null, problem);
}
