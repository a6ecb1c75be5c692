namespace IpyBox.AI.Tests;

/// <summary>Untrusted names become Python identifiers that cannot shadow or break the generated code.</summary>
public sealed class PythonIdentifierTests
{
    [Theory]
    [InlineData("search", "search")]
    [InlineData("get-weather", "get_weather")]
    [InlineData("a  b..c", "a_b_c")]
    [InlineData("class", "class_")]
    [InlineData("match", "match_")]
    [InlineData("None", "None_")]
    [InlineData("print", "print_")]
    [InlineData("ToolError", "ToolError_")]
    [InlineData("3d_render", "tool_3d_render")]
    [InlineData("__init__", "init")]
    [InlineData("_b", "b")]
    [InlineData("", "tool")]
    [InlineData("!!!", "tool")]
    [InlineData("caf\u00e9", "caf")]
    [InlineData("\u540d\u524d", "tool")]
    [InlineData("x\"); import os; (\"", "x_import_os")]
    [InlineData("\ufb01nd", "find")]
    [InlineData("\uff46\uff49\uff4e\uff44", "find")]
    [InlineData("x\u00b2", "x2")]
    [InlineData("\ufb01le\ud800", "file")]
    public void Names_are_sanitised(string name, string expected) =>
        Assert.Equal(expected, PythonIdentifier.Sanitize(name, "tool"));

    [Fact]
    public void Long_names_are_cut_to_the_limit()
    {
        var identifier = PythonIdentifier.Sanitize(new string('a', 500), "tool");

        Assert.True(identifier.Length <= PythonIdentifier.MaxLength);
    }

    [Fact]
    public void Collisions_get_numbered_suffixes_in_the_order_given()
    {
        var names = PythonIdentifier.Distinct(["get-item", "get_item", "get item", "get_item_2", "", "!"], "tool");

        Assert.Equal(["get_item", "get_item_2", "get_item_3", "get_item_2_2", "tool", "tool_2"], names);
    }

    [Fact]
    public void Names_equal_after_NFKC_normalisation_collide_and_get_suffixes()
    {
        // Python's parser reads "\ufb01nd" (fi ligature) and fullwidth "\uff46ind" as "find": three names, one identifier to Python.
        var functions = PythonIdentifier.Distinct(["find", "\ufb01nd", "\uff46ind"], "tool");
        var parameters = PythonIdentifier.Distinct(["\ufb01le", "file"], "arg", PythonNameScope.Parameter);
        var packages = new HashSet<string>(StringComparer.Ordinal) { PythonIdentifier.Sanitize("\ufb01les", "tools") };

        Assert.Equal(["find", "find_2", "find_3"], functions);
        Assert.Equal(["file", "file_2"], parameters);
        Assert.False(packages.Add(PythonIdentifier.Sanitize("files", "tools")));
        Assert.All(functions.Concat(parameters), name => Assert.Equal(name.Normalize(System.Text.NormalizationForm.FormKC), name));
    }

    [Fact]
    public void The_same_names_always_give_the_same_identifiers()
    {
        string[] names = ["a-b", "a_b", "a.b"];

        Assert.Equal(PythonIdentifier.Distinct(names, "arg"), PythonIdentifier.Distinct(names, "arg"));
    }
}
