using Axle.Bench.Generate;
using Axle.Bench.Import;
using Axle.Bench.Inventory;
using Axle.Bench.Load;
using Axle.Bench.Orders;

namespace Axle.Bench;

/// <summary>
/// <c>generate</c> fills a database with a large synthetic catalog; <c>run</c> drives load scenarios against a live
/// server on this machine and compares them with a plain Kestrel endpoint. See bench/README.md.
/// </summary>
internal static class BenchProgram
{
    private const string Usage = """
        Usage:
          Axle.Bench generate --provider sqlite|postgres --connection "<cs>" --parts N --vehicles V --fitments F [--seed 1]
          Axle.Bench run --scenario fitment-search|health --url http://127.0.0.1:5080 [--server-pid PID]
                         [--duration 20] [--warmup 5] [--concurrency 1,32] [--max-requests 200000]
                         [--provider sqlite|postgres --connection "<cs>"] [--out bench/results/<name>.json]
          Axle.Bench import --provider sqlite|postgres --connection "<cs>" --email <admin> --password <pw>
                         [--url http://127.0.0.1:5080] [--apps 200000] [--seed 1] [--server-pid PID] [--timeout 1800]
                         [--out bench/results/<name>.json]
          Axle.Bench reserve-hot --provider sqlite|postgres --connection "<cs>" --email <admin> --password <pw>
                         [--url http://127.0.0.1:5080] [--concurrency 64] [--stock 1000] [--max-requests 20000]
                         [--timeout 120] [--server-pid PID] [--out bench/results/<name>.json]
          Axle.Bench reserve-uniform --connection "<postgres cs>" --email <admin> --password <pw>
                         [--url http://127.0.0.1:5080] [--skus 100000] [--concurrency 1,32] [--duration 15] [--warmup 3]
                         [--max-requests 200000] [--pgbench pgbench] [--server-pid PID] [--out bench/results/<name>.json]
          Axle.Bench supplier-push --connection "<postgres cs>" --email <admin> --password <pw> [--url http://127.0.0.1:5090]
                         [--skus 20000] [--events 100000] [--batch 100] [--concurrency 8] [--drain-timeout 300]
          Axle.Bench supplier-pull --connection "<postgres cs>" --email <admin> --password <pw> [--url http://127.0.0.1:5090]
                         [--records 1000000] [--warehouses 4] [--page-size 5000] [--change 0.01] [--timeout 1800]
                         [--server-pid PID] [--out bench/results/<name>.json]
          Axle.Bench checkout --provider sqlite|postgres --connection "<cs>" --email <admin> --password <pw>
                         [--url http://127.0.0.1:5080] [--parts 200] [--concurrency 1,32] [--duration 15] [--warmup 30]
                         [--hot-stock 300] [--hot-concurrency 32] [--pgbench pgbench] [--server-pid PID]
                         [--out bench/results/<name>.json]
          Axle.Bench crash --connection "<postgres cs>" --email <admin> --password <pw> --server-dll <Axle.Api.dll>
                         --server-env <file> --server-log <file> --pid-file <file> [--url http://127.0.0.1:5095] [--kills 5]
                         [--seed 42] [--min-up 6] [--max-up 15] [--customers 6] [--push-workers 2] [--patience 100]
                         [--expiry-slack 5] [--out bench/results/<name>.json]
          Axle.Bench outage --connection "<postgres cs>" --email <admin> --password <pw> --server-dll … --server-env …
                         --server-log … --pid-file … --db-stop "<shell>" --db-start "<shell>" [--url http://127.0.0.1:5096]
                         [--before 15] [--outage 20] [--after 30] [--customers 4] [--out bench/results/<name>.json]
          Axle.Bench soak --connection "<postgres cs>" --email <admin> --password <pw> --server-dll … --server-env …
                         --server-log … --pid-file … --out bench/results/<name>.json [--url http://127.0.0.1:5097]
                         [--duration 600] [--sample-every 5] [--max-rss-mb 400] [--max-slope-kb-per-minute 1024] [--customers 4]
        """;

    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        try
        {
            if (args.Length == 0)
            {
                throw new UsageException("No command given.");
            }

            var options = CommandLine.Parse(args.AsSpan(1));
            switch (args[0])
            {
                case "generate":
                    await CatalogGenerator.RunAsync(GenerateSettings.From(options), Console.Out, cts.Token);
                    return 0;
                case "run":
                    return await LoadCommand.RunAsync(RunSettings.From(options), Console.Out, cts.Token);
                case "import":
                    return await ImportCommand.RunAsync(ImportSettings.From(options), Console.Out, cts.Token);
                case "reserve-hot":
                    return await ReserveHotCommand.RunAsync(ReserveHotSettings.From(options), Console.Out, cts.Token);
                case "checkout":
                    return await CheckoutCommand.RunAsync(CheckoutSettings.From(options), Console.Out, cts.Token);
                case "supplier-push":
                    return await Suppliers.SupplierPushCommand.RunAsync(Suppliers.SupplierPushSettings.From(options), Console.Out, cts.Token);
                case "supplier-pull":
                    return await Suppliers.SupplierPullCommand.RunAsync(Suppliers.SupplierPullSettings.From(options), Console.Out, cts.Token);
                case "crash":
                    return await Reliability.CrashCommand.RunAsync(Reliability.CrashSettings.From(options), Console.Out, cts.Token);
                case "outage":
                    return await Reliability.OutageCommand.RunAsync(Reliability.OutageSettings.From(options), Console.Out, cts.Token);
                case "soak":
                    return await Reliability.SoakCommand.RunAsync(Reliability.SoakSettings.From(options), Console.Out, cts.Token);
                case "reserve-uniform":
                    return await ReserveUniformCommand.RunAsync(ReserveUniformSettings.From(options), Console.Out, cts.Token);
                default:
                    throw new UsageException($"Unknown command '{args[0]}'.");
            }
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        catch (HttpRequestException ex)
        {
            // Preparing a scenario needs a live server; during the measured loop the same failures are only counted.
            await Console.Error.WriteLineAsync($"The server could not be reached: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 130;
        }
    }
}
