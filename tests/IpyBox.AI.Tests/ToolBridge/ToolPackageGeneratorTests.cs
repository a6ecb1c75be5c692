using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests;

/// <summary>The generated package: typed keyword parameters from the schema, and nothing from the tools outside escaped literals.</summary>
public sealed partial class ToolPackageGeneratorTests
{
    [Fact]
    public void Hostile_names_descriptions_defaults_and_enum_values_appear_only_inside_escaped_literals()
    {
        var package = ToolPackageGenerator.Generate(HostileTools.Create(), "evil");

        Assert.Equal(package.Functions.Count + 1, package.Files.Count());
        Assert.All(package.Files, file =>
        {
            var code = StringLiteral().Replace(file.Source, "\"\"");
            Assert.All(file.Source, c => Assert.True(c is '\n' or (>= ' ' and <= '~'), $"unexpected character U+{(int)c:X4}"));
            Assert.DoesNotContain("open(", code);
            Assert.DoesNotContain("ipybox-injected", code);
            Assert.DoesNotContain("'", code);
            Assert.DoesNotContain("\\", code);
            Assert.DoesNotContain("#", code.Split('\n', 2)[1]);
            Assert.Matches("^(__init__|[A-Za-z][A-Za-z0-9_]*)\\.py$", file.FileName);
        });
        Assert.Equal(HostileTools.Breakouts.Length + 2, package.Functions.Count);
        Assert.Equal(package.Functions.Count, package.Functions.Select(f => f.FunctionName).Distinct().Count());
        Assert.All(package.Functions, f => Assert.Matches("^[A-Za-z][A-Za-z0-9_]*$", f.FunctionName));
    }

    [Fact]
    public void Keyword_and_colliding_names_are_renamed_and_the_original_names_are_sent()
    {
        var package = ToolPackageGenerator.Generate(HostileTools.Create(), "evil");

        Assert.Equal(["class_", "class__2"], package.Functions.TakeLast(2).Select(f => f.FunctionName));
        Assert.Equal("class_(*, lambda_: str, b: str, arg_1x: str)", package.Functions[^2].Signature);
        Assert.Contains("return _b.call(_SET, \"class_\", {\"lambda\": lambda_, \"_b\": b, \"1x\": arg_1x}, {})", AllSource(package));
    }

    [Fact]
    public void Tool_and_parameter_names_equal_after_NFKC_normalisation_get_distinct_functions_and_parameters()
    {
        var set = new HostToolSet("lookalike", [
            new SchemaFunction("find", "plain", """{"type":"object","properties":{}}"""),
            new SchemaFunction("\ufb01nd", "ligature", """{"type":"object","properties":{"\ufb01le":{"type":"string"},"file":{"type":"string"}},"required":["\ufb01le","file"]}"""),
        ]);

        var package = ToolPackageGenerator.Generate(set, "lookalike");

        Assert.Equal(["find", "find_2"], package.Functions.Select(f => f.FunctionName));
        Assert.Equal("find_2(*, file: str, file_2: str)", package.Functions[1].Signature);
        Assert.Contains("return _b.call(_SET, \"find_2\", {\"\\ufb01le\": file, \"file\": file_2}, {})", AllSource(package));
    }

    [Fact]
    public void Defaults_python_could_not_send_back_unchanged_are_left_to_the_tool()
    {
        var tool = new SchemaFunction("measure", "Measures.", $$"""
            {
              "type": "object",
              "properties": {
                "limit": { "type": "number", "default": 1e309 },
                "floor": { "type": "number", "default": -1e309 },
                "big": { "type": "integer", "default": 79228162514264337593543950336 },
                "huge": { "type": "integer", "default": {{new string('9', PythonLiteral.MaxIntegerDigits + 1)}} },
                "deep": { "type": "array", "default": {{new string('[', 40) + new string(']', 40)}} }
              }
            }
            """);

        var package = ToolPackageGenerator.Generate(new HostToolSet("m", [tool]), "m");

        Assert.Equal(
            "measure(*, limit: float | None = None, floor: float | None = None, big: int = 79228162514264337593543950336, " +
            "huge: int | None = None, deep: list[_t.Any] | None = None)",
            package.Functions[0].Signature);
        Assert.DoesNotContain("float(", AllSource(package));
    }

    [Fact]
    public void Parameters_are_typed_from_the_schema()
    {
        var tool = new SchemaFunction("search", "Searches.", """
            {
              "type": "object",
              "properties": {
                "limit": { "type": "integer", "default": 10, "description": "How many." },
                "query": { "type": "string" },
                "mode": { "type": "string", "enum": ["fast", "exact"] },
                "tags": { "type": "array", "items": { "type": "string" } },
                "scores": { "type": "array" },
                "ratio": { "type": ["number", "null"] },
                "flag": { "type": "boolean", "default": false },
                "when": { "anyOf": [{ "type": "string" }, { "type": "integer" }] },
                "anything": {},
                "meta": { "type": "object", "additionalProperties": { "type": "number" } },
                "filter": { "type": "object", "properties": { "field": { "type": "string" }, "op": { "const": "eq" } }, "required": ["field"] },
                "opts": { "type": "object" },
                "level": { "enum": [1, 2, null] },
                "weird": { "enum": [1.5, {"a": 1}] },
                "ref": { "$ref": "#/definitions/x" }
              },
              "required": ["query", "filter"]
            }
            """);

        var package = ToolPackageGenerator.Generate(new HostToolSet("docs", [tool]), "docs");

        Assert.Equal(
            "search(*, query: str, filter: _search_1, limit: int = 10, mode: _t.Literal[\"fast\", \"exact\"] | None = None, " +
            "tags: list[str] | None = None, scores: list[_t.Any] | None = None, ratio: float | None | None = None, flag: bool = False, " +
            "when: str | int | None = None, anything: _t.Any = None, meta: dict[str, float] | None = None, opts: dict[str, _t.Any] | None = None, " +
            "level: _t.Literal[1, 2, None] | None = None, weird: _t.Any = None, ref: _t.Any = None)",
            package.Functions[0].Signature);
        Assert.Contains("_search_1 = _t.TypedDict(\"_search_1\", {\"field\": _t.Required[str], \"op\": _t.Literal[\"eq\"]}, total=False)", AllSource(package));
        Assert.Contains("{\"query\": query, \"filter\": filter}, {\"limit\": limit, \"mode\": mode,", AllSource(package));
        Assert.Contains("\\n\\nArgs:\\n    query: (no description)\\n    filter: (no description)\\n    limit: How many.", AllSource(package));
    }

    [Fact]
    public void Schemas_without_properties_give_functions_without_parameters()
    {
        AIFunction[] tools =
        [
            new SchemaFunction("none", string.Empty, "{}"),
            new SchemaFunction("list", string.Empty, "[1, 2]"),
            new SchemaFunction("props_not_object", string.Empty, """{"type":"object","properties":[1],"required":"x"}"""),
        ];

        var package = ToolPackageGenerator.Generate(new HostToolSet("bare", tools), "bare");

        Assert.Equal(["none()", "list_()", "props_not_object()"], package.Functions.Select(f => f.Signature));
        Assert.Contains("Calls the host tool none.", AllSource(package));
    }

    [Fact]
    public void A_deeply_nested_schema_ends_in_Any()
    {
        var schema = "{\"type\":\"string\"}";
        for (var i = 0; i < 20; i++)
        {
            schema = $"{{\"type\":\"array\",\"items\":{schema}}}";
        }

        var package = ToolPackageGenerator.Generate(new HostToolSet("deep", [new SchemaFunction("deep", string.Empty, $"{{\"type\":\"object\",\"properties\":{{\"x\":{schema}}},\"required\":[\"x\"]}}")]), "deep");

        Assert.Contains("list[_t.Any]", package.Functions[0].Signature);
        Assert.DoesNotContain("str", package.Functions[0].Signature);
    }

    [Fact]
    public void Duplicate_property_names_give_one_parameter()
    {
        var package = ToolPackageGenerator.Generate(
            new HostToolSet("dup", [new SchemaFunction("dup", string.Empty, """{"type":"object","properties":{"a":{"type":"string"},"a":{"type":"integer"}}}""")]),
            "dup");

        Assert.Equal("dup(*, a: str | None = None)", package.Functions[0].Signature);
    }

    [Fact]
    public void Each_tool_gets_its_own_module_named_distinctly_regardless_of_case_and_the_index_summarises_each_in_one_line()
    {
        var set = new HostToolSet("weather", [
            AIFunctionFactory.Create((string city) => city, "forecast", "Forecasts the weather.\nA second line the index leaves out."),
            AIFunctionFactory.Create((string city) => city, "Forecast", new string('x', 500)),
            AIFunctionFactory.Create(() => 1, "quiet"),
        ]);

        var package = ToolPackageGenerator.Generate(set, "weather");
        var index = package.Files.First().Source;

        Assert.Equal(["__init__.py", "forecast.py", "Forecast_2.py", "quiet.py"], package.Files.Select(file => file.FileName));
        Assert.Contains("\\n  forecast: Forecasts the weather.\\n  Forecast_2: " + new string('x', 117) + "...\\n  quiet: (no description)", index);
        Assert.DoesNotContain("second line", index);
        Assert.Contains("from .Forecast_2 import Forecast_2\n", index);
        Assert.Contains("__all__ = [\"forecast\", \"Forecast_2\", \"quiet\"]", index);
        Assert.DoesNotContain("def ", index);
        Assert.Contains("def Forecast_2(*, city: str)", package.FunctionSource("Forecast_2"));
        Assert.DoesNotContain("def forecast", package.FunctionSource("Forecast_2"));
        Assert.Null(package.FunctionSource("rain"));
    }

    private static string AllSource(ToolPackage package) => string.Concat(package.Files.Select(file => file.Source));

    [GeneratedRegex("\"(?:\\\\.|[^\"\\\\])*\"")]
    private static partial Regex StringLiteral();
}
