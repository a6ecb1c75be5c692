using System.Text.Json;

namespace IpyBox.AI.Tests;

/// <summary>Untrusted text and JSON become Python literals that cannot end early or carry code.</summary>
public sealed class PythonLiteralTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("\"\"\"\nimport os\n\"\"\"", "\"\\\"\\\"\\\"\\nimport os\\n\\\"\\\"\\\"\"")]
    [InlineData("back\\slash\\", "\"back\\\\slash\\\\\"")]
    [InlineData("tab\tcr\rnul\0bell\a", "\"tab\\tcr\\rnul\\x00bell\\x07\"")]
    [InlineData("caf\u00e9 \u2028 \u20ac", "\"caf\\xe9 \\u2028 \\u20ac\"")]
    [InlineData("\ud83d\ude00", "\"\\U0001f600\"")]
    [InlineData("", "\"\"")]
    public void Strings_become_one_double_quoted_literal_of_printable_ascii(string text, string expected)
    {
        var literal = PythonLiteral.String(text);

        Assert.Equal(expected, literal);
        Assert.All(literal, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void A_lone_surrogate_stays_an_escape() =>
        Assert.Equal("\"lone \\ud800\"", PythonLiteral.String("lone \ud800"));

    [Fact]
    public void No_text_can_close_the_literal_early()
    {
        string[] hostile = ["\"", "\\", "\\\"", "\"\"\"", "'''", "\n\"; import os; \"", "\\\n", "\u0085\u2029", "# -*- coding: utf-7 -*-"];
        foreach (var text in hostile)
        {
            var body = PythonLiteral.String(text)[1..^1];

            // Every quote inside is escaped: removing escape pairs leaves no quote and no backslash.
            var unescaped = System.Text.RegularExpressions.Regex.Replace(body, @"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|.)", string.Empty);
            Assert.DoesNotContain('"', unescaped);
            Assert.DoesNotContain('\\', unescaped);
        }
    }

    [Theory]
    [InlineData("null", "None")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("42", "42")]
    [InlineData("-7", "-7")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("2.5", "2.5")]
    [InlineData("1E2", "100.0")]
    [InlineData("[1, \"a\\\"\", null]", "[1, \"a\\\"\", None]")]
    [InlineData("{\"k\\n\": {\"x\": [true]}}", "{\"k\\n\": {\"x\": [True]}}")]
    public void Json_values_become_python_literals(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, PythonLiteral.Json(document.RootElement));
    }

    [Fact]
    public void Integers_are_exact_up_to_the_digits_python_reads()
    {
        var longest = "-" + new string('7', PythonLiteral.MaxIntegerDigits);
        using var big = JsonDocument.Parse("79228162514264337593543950336");
        using var limit = JsonDocument.Parse(longest);
        using var beyond = JsonDocument.Parse("[" + new string('7', PythonLiteral.MaxIntegerDigits + 1) + "]");

        Assert.Equal("79228162514264337593543950336", PythonLiteral.Json(big.RootElement));
        Assert.Equal(longest, PythonLiteral.Json(limit.RootElement));
        Assert.Null(PythonLiteral.Json(beyond.RootElement));
    }

    [Theory]
    [InlineData("1e309")]
    [InlineData("-1e400")]
    [InlineData("{\"a\": [1, 1e999]}")]
    public void Numbers_beyond_a_float_have_no_literal(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Null(PythonLiteral.Json(document.RootElement));
    }

    [Fact]
    public void Json_nested_deeper_than_the_limit_has_no_literal()
    {
        var json = new string('[', PythonLiteral.MaxDepth + 2) + new string(']', PythonLiteral.MaxDepth + 2);
        using var document = JsonDocument.Parse(json);

        Assert.Null(PythonLiteral.Json(document.RootElement));
    }
}
