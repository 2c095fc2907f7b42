using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.DataProtection;

namespace Axle.Api.Platform.Security;

public static class DataProtectionSetup
{
    public const string ApplicationName = "Axle";

    /// <summary>
    /// Data Protection with one key ring for every instance: keys live in <c>{DataDirectory}/keys/dataprotection</c> and the
    /// application name is fixed, so a payload protected by one instance (a page cursor, say) opens on another.
    /// Several instances must share that directory. Safe to call more than once.
    /// </summary>
    public static WebApplicationBuilder AddAxleDataProtection(this WebApplicationBuilder builder)
    {
        // AddAxleData resolved the data directory once; reuse that instance rather than re-reading configuration.
        var paths = builder.Services
            .Where(d => !d.IsKeyedService && d.ServiceType == typeof(AppPaths))
            .Select(d => d.ImplementationInstance)
            .OfType<AppPaths>()
            .FirstOrDefault()
            ?? throw new InvalidOperationException("Call AddAxleData before AddAxleDataProtection: it resolves the data directory.");

        builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(paths.KeysDirectory, "dataprotection")));
        return builder;
    }
}
