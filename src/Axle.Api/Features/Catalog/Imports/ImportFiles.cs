using Axle.Api.Platform.Data;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>Uploaded files are kept as <c>DataDirectory/imports/{jobId}</c> until the job is deleted.</summary>
internal static class ImportFiles
{
    public static string Directory(AppPaths paths)
    {
        var directory = Path.Combine(paths.DataDirectory, "imports");
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public static string PathOf(AppPaths paths, Guid jobId) => Path.Combine(Directory(paths), jobId.ToString("N"));
}
