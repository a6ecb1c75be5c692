using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.TestMcpServer;

/// <summary>The tools of the test server: text, structured content, an image, an error, and parameters of every shape.</summary>
[McpServerToolType]
public sealed class TestTools
{
    /// <summary>A 2×1 PNG (one red, one blue pixel).</summary>
    private static readonly byte[] s_png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==");

    /// <summary>Adds the tools of the chosen mode to a server.</summary>
    public static IMcpServerBuilder Add(IMcpServerBuilder builder, bool hostile) =>
        hostile ? HostileTools.Add(builder) : builder.WithTools<TestTools>();

    [McpServerTool(Name = "echo")]
    [Description("Returns the text unchanged.")]
    public static string Echo([Description("The text to return.")] string text) => text;

    [McpServerTool(Name = "add")]
    [Description("Adds two integers and returns the sum as text.")]
    public static string Add(int a, int b) => (a + b).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [McpServerTool(Name = "forecast", UseStructuredContent = true)]
    [Description("Returns a temperature forecast for a city as structured content.")]
    public static Forecast GetForecast(
        [Description("The city.")] string city,
        [Description("The unit of the temperatures.")] TemperatureUnit unit = TemperatureUnit.Celsius,
        [Description("How many days to forecast.")] int days = 3) =>
        new(city, unit == TemperatureUnit.Celsius ? "celsius" : "fahrenheit", [.. Enumerable.Range(0, days).Select(d => unit == TemperatureUnit.Celsius ? 20 + d : 68 + (2 * d))]);

    [McpServerTool(Name = "pixel_image")]
    [Description("Returns a small PNG image.")]
    public static CallToolResult PixelImage() => new()
    {
        Content = [ImageContentBlock.FromBytes(s_png, "image/png")],
    };

    [McpServerTool(Name = "fail")]
    [Description("Always fails with the given message.")]
    public static CallToolResult Fail([Description("The error message.")] string message) => new()
    {
        Content = [new TextContentBlock { Text = message }],
        IsError = true,
    };

    [McpServerTool(Name = "describe_query")]
    [Description("Returns its arguments as a JSON object, to check how arrays, nested objects, enums and defaults arrive.")]
    public static string DescribeQuery(
        [Description("Words to search for.")] string[] terms,
        [Description("A range of years.")] YearRange range,
        [Description("The sort order.")] SortOrder order = SortOrder.Relevance,
        [Description("The largest number of hits.")] int limit = 10,
        [Description("An optional label.")] string? label = null) =>
        JsonSerializer.Serialize(new JsonObject
        {
            ["terms"] = new JsonArray([.. terms.Select(t => JsonValue.Create(t))]),
            ["range"] = new JsonObject { ["from"] = range.From, ["to"] = range.To },
            ["order"] = order == SortOrder.Relevance ? "relevance" : "newest",
            ["limit"] = limit,
            ["label"] = label,
        });

    /// <summary>A forecast.</summary>
    public sealed record Forecast(string City, string Unit, int[] Temperatures);

    /// <summary>A range of years.</summary>
    public sealed record YearRange(int From, int To);

    /// <summary>Temperature units.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<TemperatureUnit>))]
    public enum TemperatureUnit
    {
        [JsonStringEnumMemberName("celsius")]
        Celsius,

        [JsonStringEnumMemberName("fahrenheit")]
        Fahrenheit,
    }

    /// <summary>Sort orders.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<SortOrder>))]
    public enum SortOrder
    {
        [JsonStringEnumMemberName("relevance")]
        Relevance,

        [JsonStringEnumMemberName("newest")]
        Newest,
    }
}
