using System.Globalization;
using System.Text.RegularExpressions;

namespace Axle.Tests.Platform;

/// <summary>Reads samples out of a Prometheus text exposition (<c>/metrics</c>).</summary>
internal static partial class PrometheusText
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Scrapes <c>/metrics</c>. The exporter serves a cached answer for a moment after each scrape; waiting that out
    /// makes a scrape after an action see the action.
    /// </summary>
    public static async Task<string> ScrapeAsync(HttpClient client)
    {
        await Task.Delay(350, Ct);
        var response = await client.GetAsync("/metrics", Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public static double Sum(string text, string name, params (string Label, string Value)[] labels) =>
        Samples(text, name).Where(s => labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).Sum(s => s.Value);

    public static IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            var match = Sample().Match(line.TrimEnd('\r'));
            if (!match.Success || match.Groups["name"].Value != name)
            {
                continue;
            }

            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            yield return (labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Every metric family the exposition declares (<c># TYPE name kind</c>).</summary>
    public static HashSet<string> Families(string text) =>
        [.. text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2])];

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>[^ ]+)( \d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex(""""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"""")]
    private static partial Regex Label();
}
