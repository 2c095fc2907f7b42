namespace Axle.Api.Platform.Data;

/// <summary>
/// Local state lives under <c>DataDirectory</c> (default <c>./data</c>): the SQLite file, generated signing keys and
/// Data Protection keys. Resolved once at start-up so every component agrees on it.
/// </summary>
public sealed class AppPaths
{
    public const string ConfigKey = "DataDirectory";

    public AppPaths(string dataDirectory)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    public string KeysDirectory => Ensure(Path.Combine(DataDirectory, "keys"));

    public string DefaultSqliteFile => Path.Combine(DataDirectory, "axle.db");

    private static string Ensure(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }
}
