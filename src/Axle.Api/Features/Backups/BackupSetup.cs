using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Backups;

public static class BackupSetup
{
    public static WebApplicationBuilder AddBackups(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<InstanceIdentity>();
        services.AddSingleton<BackupStore>();
        services.AddSingleton<IBackupEngine>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider switch
        {
            DatabaseProvider.Postgres => ActivatorUtilities.CreateInstance<PostgresBackupEngine>(sp),
            _ => new SqliteBackupEngine(),
        });
        services.AddScoped<Backups>();
        services.AddSingleton<BackupRunner>();
        services.AddWorker<BackupWorker>();
        return builder;
    }
}
