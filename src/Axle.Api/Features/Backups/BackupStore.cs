using System.Globalization;
using System.Text.RegularExpressions;
using Axle.Api.Platform.Data;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Backups;

/// <summary>A backup file in <see cref="BackupOptions.Directory"/>, dated by its name.</summary>
public sealed record BackupFile(string Name, string Path, DateTime CreatedAt, long Bytes);

/// <summary>
/// The backup folder: names files <c>axle-{provider}-{yyyyMMddTHHmmssfffZ}.zip</c> (UTC), so names sort by age and the
/// folder itself is the record of what was taken when. Files with other names are the operator's and are never touched.
/// </summary>
public sealed partial class BackupStore(IOptions<BackupOptions> options, AppPaths paths)
{
    private const string Stamp = "yyyyMMdd'T'HHmmssfff'Z'";

    public string Directory => System.IO.Path.GetFullPath(System.IO.Path.Combine(paths.DataDirectory, options.Value.Directory));

    public string NewPath(DatabaseProvider provider, DateTime createdAt)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = $"axle-{provider.ToString().ToLowerInvariant()}-{createdAt.ToString(Stamp, CultureInfo.InvariantCulture)}.zip";
        return System.IO.Path.Combine(Directory, name);
    }

    /// <summary>Backup files, newest first.</summary>
    public IReadOnlyList<BackupFile> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return
        [
            .. new DirectoryInfo(Directory).EnumerateFiles("axle-*.zip")
                .Select(f => (File: f, Match: FileName().Match(f.Name)))
                .Where(x => x.Match.Success)
                .Select(x => new BackupFile(x.File.Name, x.File.FullName,
                    DateTime.ParseExact(x.Match.Groups["stamp"].Value, Stamp, CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                    x.File.Length))
                .OrderByDescending(f => f.CreatedAt),
        ];
    }

    /// <summary>Deletes the oldest backup files beyond <see cref="BackupOptions.Keep"/>; returns their names.</summary>
    public IReadOnlyList<string> Prune()
    {
        var doomed = List().Skip(options.Value.Keep).ToList();
        foreach (var file in doomed)
        {
            File.Delete(file.Path);
        }

        return [.. doomed.Select(f => f.Name)];
    }

    [GeneratedRegex(@"^axle-(sqlite|postgres)-(?<stamp>\d{8}T\d{9}Z)\.zip$")]
    private static partial Regex FileName();
}
