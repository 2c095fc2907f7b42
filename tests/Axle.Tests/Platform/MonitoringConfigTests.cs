using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Webhooks;
using Axle.Api.Platform.Observability;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Axle.Tests.Platform;

/// <summary>
/// deploy/prometheus/alerts.yml and deploy/grafana/axle.json stay well-formed and only query metrics the app exports
/// (<c>promtool check rules</c> checks PromQL syntax where it is installed; these tests run everywhere).
/// </summary>
public sealed partial class MonitoringConfigTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    [Fact]
    public void Every_alert_rule_has_a_name_an_expression_a_severity_and_a_summary()
    {
        var rules = AlertRules().ToList();

        Assert.True(rules.Count >= 5);
        Assert.Equal(rules.Count, rules.Select(r => Scalar(r, "alert")).Distinct().Count());
        foreach (var rule in rules)
        {
            var name = Scalar(rule, "alert");
            Assert.Matches("^Axle[A-Za-z]+$", name);
            Assert.False(string.IsNullOrWhiteSpace(Scalar(rule, "expr")), name);
            Assert.Contains(Scalar((YamlMappingNode)rule.Children["labels"], "severity"), new[] { "critical", "warning", "info" });
            Assert.False(string.IsNullOrWhiteSpace(Scalar((YamlMappingNode)rule.Children["annotations"], "summary")), name);
            if (rule.Children.TryGetValue("for", out var duration))
            {
                Assert.Matches("^[0-9]+[smh]$", ((YamlScalarNode)duration).Value!);
            }
        }
    }

    [Fact]
    public void Alerts_cover_sync_delay_delivery_failures_dead_letters_server_errors_and_the_outbox()
    {
        var expressions = string.Join('\n', AlertRules().Select(r => Scalar(r, "expr")));

        Assert.Contains("axle_supplier_update_delay_seconds_bucket", expressions, StringComparison.Ordinal);
        Assert.Contains("axle_webhook_deliveries_total", expressions, StringComparison.Ordinal);
        Assert.Contains("axle_dead_letters_open", expressions, StringComparison.Ordinal);
        Assert.Contains("http_response_status_code=~\"5..\"", expressions, StringComparison.Ordinal);
        Assert.Contains("axle_outbox_pending", expressions, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_is_grafana_json_with_unique_panel_ids_and_a_query_per_panel()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepoFiles.PathOf("deploy", "grafana", "axle.json")));
        var root = dashboard.RootElement;

        Assert.Equal("axle-overview", root.GetProperty("uid").GetString());
        Assert.True(root.GetProperty("schemaVersion").GetInt32() > 30);
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels.Where(p => p.GetProperty("type").GetString() != "row"))
        {
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString())));
        }

        var titles = string.Join('\n', panels.Select(p => p.GetProperty("title").GetString()));
        foreach (var topic in new[] { "Request rate", "Error rate", "Latency", "Orders", "Revenue", "declines", "conflicts", "delay", "depth", "dead letters", "Webhook" })
        {
            Assert.Contains(topic, titles, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Alerts_and_the_dashboard_only_query_metrics_the_app_exports()
    {
        var exported = ExportedFamilies();
        var expressions = AlertRules().Select(r => Scalar(r, "expr")).Concat(DashboardExpressions());

        var referenced = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet();
        var unknown = referenced.Where(name => !exported.Contains(Family(name))).Order().ToList();

        Assert.Contains("http_server_request_duration_seconds", exported);
        Assert.Empty(unknown);
    }

    private static IEnumerable<YamlMappingNode> AlertRules()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(RepoFiles.PathOf("deploy", "prometheus", "alerts.yml")))
        {
            yaml.Load(reader);
        }

        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents.Single().RootNode).Children["groups"];
        return groups.Cast<YamlMappingNode>().SelectMany(g => ((YamlSequenceNode)g.Children["rules"]).Cast<YamlMappingNode>());
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepoFiles.PathOf("deploy", "grafana", "axle.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[key]).Value ?? "";

    /// <summary>
    /// The Prometheus families of this host's instruments (Axle's meter, ASP.NET Core's request metrics), named as the
    /// OpenTelemetry exporter names them: dots to underscores, the unit <c>s</c> as <c>_seconds</c>, counters ending in
    /// <c>_total</c>. Read from the instruments, so a metric counts even before its first measurement.
    /// </summary>
    private HashSet<string> ExportedFamilies()
    {
        var services = factory.Services;
        _ = (services.GetRequiredService<OrderMetrics>(), services.GetRequiredService<InventoryMetrics>(),
            services.GetRequiredService<SupplierMetrics>(), services.GetRequiredService<QueueDepths>(),
            services.GetRequiredService<WebhookMetrics>());
        var meter = services.GetRequiredService<IOptions<ObservabilityOptions>>().Value.MeterName;
        var families = new HashSet<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == meter || instrument.Meter.Name == "Microsoft.AspNetCore.Hosting")
            {
                var name = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : "");
                var counter = instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal);
                lock (families)
                {
                    families.Add(counter ? name + "_total" : name);
                }
            }
        };
        listener.Start();
        return families;
    }

    // A histogram is queried through its _bucket, _count and _sum series.
    private static string Family(string series) => HistogramSeries().Replace(series, "");

    [GeneratedRegex(@"\b(axle|http_server)_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSeries();
}
