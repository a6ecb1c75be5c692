using System.Text;

namespace IpyBox.AI;

/// <summary>The text with which the AI tools tell a model which tool packages its code can import.</summary>
internal static class ToolModuleListing
{
    public static string Format(IReadOnlyList<HostToolModule> modules)
    {
        if (modules.Count == 0)
        {
            return "No tool packages are registered in this sandbox.";
        }

        var text = new StringBuilder("Tool packages in this sandbox. Import them in Python code; each function calls a host tool and returns its result ")
            .Append("(text as str, structured results as Python objects, images as displayable objects; a failed call raises an exception).\n");
        foreach (var module in modules)
        {
            text.Append('\n').Append("import ").Append(module.Module);
            if (!string.IsNullOrWhiteSpace(module.Description))
            {
                text.Append("  # ").Append(module.Description.ReplaceLineEndings(" ").Trim());
            }

            text.Append('\n');
            foreach (var function in module.Functions)
            {
                text.Append("    ").Append(module.Module).Append('.').Append(function.Signature).Append('\n');
            }
        }

        return text.Append("\nRead one tool's docstring with get_tool_source and the tool's module (e.g. mcptools.<package>.<function>) before writing code; a package's own source is only its index.").ToString();
    }
}
