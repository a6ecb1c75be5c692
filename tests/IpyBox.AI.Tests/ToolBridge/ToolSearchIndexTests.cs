using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests;

/// <summary>The BM25 index over generated tool functions, and the texts in which its results reach a model.</summary>
public sealed class ToolSearchIndexTests
{
    private static ToolSearchIndex IndexOf(params HostToolSet[] sets) =>
        new([.. sets.SelectMany(set => ToolPackageGenerator.Generate(set, PythonIdentifier.Sanitize(set.Name, "tools")).Documents)]);

    private static HostToolSet Weather() => new("weather", [
        AIFunctionFactory.Create((string station, int day) => 0.0, "rain_reading", "Returns the rainfall in millimetres measured at a station on a day."),
        AIFunctionFactory.Create((string city) => 0.0, "forecast", "Forecasts the temperature of a city."),
    ]);

    [Fact]
    public void A_query_finds_its_tool_first_among_300_generated_ones()
    {
        var index = IndexOf(GeneratedHostTools.Create("crm", 100), GeneratedHostTools.Create("billing", 100), Weather(), GeneratedHostTools.Create("erp", 98));

        Assert.Equal(300, index.Documents.Count);
        Assert.Equal("mcptools.weather.rain_reading", index.Search("how much rain fell at a station", 5)[0].Document.QualifiedName);
        Assert.Equal("mcptools.billing.archive_invoice", index.Search("archive an invoice in billing", 5)[0].Document.QualifiedName);
    }

    [Fact]
    public void Parameter_names_and_descriptions_are_searched_and_camel_case_names_split()
    {
        var set = new HostToolSet("geo", [
            new SchemaFunction("lookupPlace", "Finds a place.", """{"type":"object","properties":{"postcode":{"type":"string","description":"A zip code."}}}"""),
            new SchemaFunction("other", "Does something else.", """{"type":"object","properties":{}}"""),
        ]);
        var index = IndexOf(set);

        Assert.Equal("mcptools.geo.lookupPlace", Assert.Single(index.Search("postcode", 5)).Document.QualifiedName);
        Assert.Equal("mcptools.geo.lookupPlace", Assert.Single(index.Search("zip", 5)).Document.QualifiedName);
        Assert.Equal("mcptools.geo.lookupPlace", Assert.Single(index.Search("place lookup", 5)).Document.QualifiedName);
        Assert.Empty(index.Search("   ", 5));
        Assert.Empty(index.Search("unrelated", 5));
    }

    [Fact]
    public void Find_takes_a_qualified_name_or_a_unique_function_name()
    {
        var index = IndexOf(Weather(), new HostToolSet("other", [AIFunctionFactory.Create(() => 1, "forecast")]));

        Assert.Equal("mcptools.weather.rain_reading", index.Find("rain_reading")?.QualifiedName);
        Assert.Equal("mcptools.other.forecast", index.Find("mcptools.other.forecast")?.QualifiedName);
        Assert.Null(index.Find("forecast")); // two sets have one
        Assert.Null(index.Find("missing"));
    }

    [Fact]
    public void Results_show_hostile_descriptions_only_as_one_line_comments()
    {
        var set = HostileTools.Create();
        var package = PythonIdentifier.Sanitize(set.Name, "tools");
        var index = IndexOf(set);
        var hits = index.Search("ipybox injected open write tmp", ToolSearchText.MaxLimit);
        Assert.True(hits.Count >= HostileTools.Breakouts.Length);

        var text = ToolSearchText.Format(hits, index.Documents.Count);

        // Every line is the header, blank, a call signature of a generated identifier, or a summary comment.
        foreach (var line in text.Split('\n').Skip(1))
        {
            Assert.True(line.Length == 0 || line.StartsWith($"mcptools.{package}.", StringComparison.Ordinal) || line.StartsWith("    # ", StringComparison.Ordinal), line);
            Assert.DoesNotContain('\r', line);
            Assert.DoesNotContain('\u2028', line);
            Assert.DoesNotContain('\u0085', line);
            Assert.DoesNotContain('\0', line);
        }

        foreach (var hit in hits)
        {
            Assert.DoesNotMatch("[\\p{C}\\p{Zl}\\p{Zp}\\r\\n]", ToolSearchText.Summary(hit.Document.Description));
            Assert.StartsWith($"from mcptools.{package} import ", ToolSearchText.Describe(hit.Document), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_summary_is_cut_to_its_limit()
    {
        var summary = ToolSearchText.Summary(new string('a', 10) + " " + new string('b', 1000));

        Assert.Equal(ToolSearchText.MaxSummaryLength, summary.Length);
        Assert.EndsWith("…", summary, StringComparison.Ordinal);
    }
}
