using System.Text.Json;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>A conversation's notebook against the real engine: exported by the application, and saved into the sandbox by the model when allowed.</summary>
public sealed class NotebookExportTests
{
    [Fact]
    public async Task The_tools_record_the_conversation_and_the_model_saves_a_valid_notebook_into_the_sandbox()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { AllowNotebookExportTool = true });
        var plugin = scope.Manager.CreatePlugin("analysis");
        await plugin.ExecutePythonAsync("import matplotlib.pyplot as plt\nplt.plot([3, 1, 2]); plt.show()");
        await plugin.ExecutePythonAsync("total = 6 * 7\ntotal");

        var saved = await plugin.ExportNotebookAsync("reports/analysis.ipynb");
        Assert.Equal("Saved the notebook of this conversation (2 cells) to /app/reports/analysis.ipynb.", saved);

        var session = await scope.SessionAsync("analysis");
        Assert.NotNull(session.Sandbox.GetService<NotebookRecorder>());
        var check = await session.ExecuteAsync("""
            import nbformat
            nb = nbformat.read('reports/analysis.ipynb', as_version=4)
            nbformat.validate(nb)
            print([c.source.splitlines()[0] for c in nb.cells], [[o.output_type for o in c.outputs] for c in nb.cells])
            """);
        Assert.Equal("['import matplotlib.pyplot as plt', 'total = 6 * 7'] [['display_data'], ['execute_result']]", check.Text);

        // The application exports by key; the validation cell it ran through the session is recorded too.
        using var exported = new MemoryStream();
        Assert.True(await scope.Manager.ExportNotebookAsync("analysis", exported));
        using var notebook = JsonDocument.Parse(exported.ToArray());
        var cells = notebook.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(3, cells.Count);
        Assert.Equal([1, 2, 3], cells.Select(c => c.GetProperty("execution_count").GetInt32()));
    }
}
