using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace IpyBox.AI;

/// <summary>
/// The Python sandbox tools for a language model: execute code, install packages, move files between allowed host
/// directories and the sandbox, list files, reset the kernel, and (when host tools are registered) list the sandbox's tool
/// packages and read their source. One implementation serves Semantic Kernel
/// (<see cref="AsKernelPlugin"/>, or <c>kernel.Plugins.AddFromObject</c>) and Microsoft.Extensions.AI (<see cref="AsAIFunctions"/>).
/// </summary>
/// <remarks>
/// Each call runs in the sandbox of one conversation, found through <see cref="ConversationKey"/> when the plugin is
/// bound to a key, else through <see cref="IpyBoxConversation"/>. The methods are thin adapters over <see cref="SandboxTools"/>,
/// which the MCP server shares: failures come back as readable tool results, never as exceptions that end the
/// conversation; only cancellation propagates.
/// </remarks>
public sealed class IpyBoxPlugin
{
    private const string ExecuteName = "execute_python";
    private const string InstallName = "install_packages";
    private const string UploadName = "upload_file";
    private const string DownloadName = "download_file";
    private const string ListName = "list_files";
    private const string ResetName = "reset_kernel";
    private const string ExportNotebookName = "export_notebook";
    private const string ListToolsName = "list_sandbox_tools";
    private const string ToolSourceName = "get_tool_source";
    private const string ModuleSourceName = "get_module_source";
    private const string SearchToolsName = "search_tools";
    private const string DescribeToolName = "describe_tool";
    private const string SaveSkillName = "save_skill";

    private readonly SandboxTools _tools;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxPlugin"/> class.</summary>
    /// <param name="sessions">The sandboxes of the conversations.</param>
    /// <param name="conversationKey">The conversation this plugin is bound to, or <see langword="null"/> to find it per call.</param>
    public IpyBoxPlugin(SandboxSessionManager sessions, string? conversationKey = null)
    {
        Sessions = Throw.IfNull(sessions);
        if (conversationKey is not null)
        {
            Throw.IfNullOrWhiteSpace(conversationKey);
        }

        ConversationKey = conversationKey;
        _tools = new SandboxTools(sessions);
    }

    /// <summary>Gets the sandboxes of the conversations.</summary>
    public SandboxSessionManager Sessions { get; }

    /// <summary>Gets the conversation this plugin is bound to, or <see langword="null"/> when it is found per call.</summary>
    public string? ConversationKey { get; }

    private IpyBoxOptions Options => Sessions.Options;

    /// <summary>Executes Python code in the conversation's sandbox.</summary>
    /// <param name="code">The code.</param>
    /// <param name="timeoutSeconds">The time limit in seconds; <see langword="null"/> for the sandbox provider's <see cref="ExecutionClientOptions.DefaultTimeout"/>.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one (its data may carry the conversation key).</param>
    /// <param name="cancellationToken">Cancels the execution; the kernel is interrupted.</param>
    /// <returns>The output text (truncated when long) followed by the images as <see cref="DataContent"/>; or a readable error.</returns>
    [KernelFunction(ExecuteName)]
    [Description("""
        Executes Python code in a stateful IPython kernel inside a sandbox container and returns its output.
        Variables, imports and functions persist between calls in this conversation, so build on earlier results.
        The working directory is /app. numpy, pandas and matplotlib are available; call plt.show() to return a plot as an image.
        Use print() for values you need to see; only the value of the last expression is shown otherwise.
        Long output is truncated in the middle. Errors come back as the exception, the output before it and the end of the traceback.
        """)]
    public async Task<IList<AIContent>> ExecutePythonAsync(
        [Description("The Python code to run. It may span many lines and use IPython magics such as %timeit.")] string code,
        [Description("Optional time limit in seconds. On expiry the code is interrupted but the kernel state is kept.")] int? timeoutSeconds = null,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        if (RefuseUnapproved(kernel, ExecuteName) is { } refused)
        {
            return [new Microsoft.Extensions.AI.TextContent(refused)];
        }

        var timeout = timeoutSeconds is > 0 ? TimeSpan.FromSeconds(timeoutSeconds.Value) : (TimeSpan?)null;
        var result = await _tools.ExecuteWithOutputAsync(ResolveConversationKey(kernel), code, timeout, IpyBoxConversation.CurrentOutput, cancellationToken).ConfigureAwait(false);
        return result.Contents;
    }

    /// <summary>Installs Python packages with pip into the kernel's environment of the conversation's sandbox.</summary>
    /// <param name="packages">Package requirements separated by spaces or commas.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    /// <returns>What pip reported, or a readable error.</returns>
    [KernelFunction(InstallName)]
    [Description("""
        Installs Python packages with pip into the sandbox's kernel environment; they can be imported right after.
        Give requirement specifiers such as "requests", "pandas==2.2.2" or "scikit-learn>=1.4", or paths of wheel files inside the sandbox.
        Install only what the task needs; packages stay installed for the rest of this conversation.
        """)]
    public async Task<string> InstallPackagesAsync(
        [Description("The packages to install, separated by spaces or commas, e.g. \"requests beautifulsoup4\".")] string packages,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        if (RefuseUnapproved(kernel, InstallName) is { } refused)
        {
            return refused;
        }

        var requirements = (packages ?? string.Empty).Split([' ', ',', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (await _tools.InstallPackagesWithOutputAsync(ResolveConversationKey(kernel), requirements, timeout: null, IpyBoxConversation.CurrentOutput, cancellationToken).ConfigureAwait(false)).Text;
    }

    /// <summary>Lists a directory of the conversation's sandbox.</summary>
    /// <param name="path">The directory, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>One line per entry (name, kind, size), or a readable error.</returns>
    [KernelFunction(ListName)]
    [Description("Lists the files and directories in a directory of the sandbox. Paths are relative to /app, the kernel's working directory.")]
    public async Task<string> ListFilesAsync(
        [Description("The directory relative to /app, e.g. \"data\"; empty for /app itself.")] string path = "",
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.ListFilesAsync(ResolveConversationKey(kernel), path, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Copies a file or directory from an allowed host directory into the conversation's sandbox.</summary>
    /// <param name="hostPath">The file or directory on the host; it must lie inside <see cref="IpyBoxOptions.AllowedHostDirectories"/>.</param>
    /// <param name="sandboxPath">The target, relative to <c>/app</c>.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A confirmation, or a readable error.</returns>
    [KernelFunction(UploadName)]
    [Description("Copies a file (or a directory) from the user's machine into the sandbox so Python code can read it. Only paths inside the directories the application allows can be read.")]
    public async Task<string> UploadFileAsync(
        [Description("The absolute path of the file or directory on the user's machine.")] string hostPath,
        [Description("Where to put it in the sandbox, relative to /app, e.g. \"data/input.csv\".")] string sandboxPath,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.UploadAsync(ResolveConversationKey(kernel), hostPath, sandboxPath, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Copies a file from the conversation's sandbox to an allowed host directory.</summary>
    /// <param name="sandboxPath">The file in the sandbox, relative to <c>/app</c>.</param>
    /// <param name="hostPath">The target file on the host; it must lie inside <see cref="IpyBoxOptions.AllowedHostDirectories"/>.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>A confirmation, or a readable error.</returns>
    [KernelFunction(DownloadName)]
    [Description("Copies a file from the sandbox to the user's machine, e.g. a chart or a result table the code wrote. Only paths inside the directories the application allows can be written; an existing file is replaced.")]
    public async Task<string> DownloadFileAsync(
        [Description("The file in the sandbox, relative to /app, e.g. \"output/report.csv\".")] string sandboxPath,
        [Description("The absolute path on the user's machine to write the file to.")] string hostPath,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.DownloadFileAsync(ResolveConversationKey(kernel), sandboxPath, hostPath, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Replaces the conversation's kernel with a fresh one.</summary>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>A confirmation, or a readable error.</returns>
    [KernelFunction(ResetName)]
    [Description("Restarts the Python kernel of this conversation: all variables, imports and definitions are cleared; files in /app and installed packages are kept. Use it when the state is broken or memory is exhausted.")]
    public async Task<string> ResetKernelAsync(Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        (await _tools.ResetAsync(ResolveConversationKey(kernel), cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Saves the conversation's notebook (its cells and outputs) as a file in the sandbox.</summary>
    /// <param name="path">The file to write, relative to <c>/app</c>.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>A confirmation, or a readable error.</returns>
    [KernelFunction(ExportNotebookName)]
    [Description("Saves the code cells run in this conversation, with their outputs and plots, as a Jupyter notebook (.ipynb) file in the sandbox. Use it when the user asks for a notebook of the work.")]
    public async Task<string> ExportNotebookAsync(
        [Description("The notebook file to write, relative to /app, e.g. \"analysis.ipynb\".")] string path = "notebook.ipynb",
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        Options.AllowNotebookExportTool
            ? (await _tools.ExportNotebookAsync(ResolveConversationKey(kernel), path, cancellationToken).ConfigureAwait(false)).Text
            : "Error: this application does not let the model export notebooks (IpyBoxOptions.AllowNotebookExportTool is off).";

    /// <summary>Lists the tool packages registered in the conversation's sandbox.</summary>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>The modules and their functions' signatures, or a readable error.</returns>
    [KernelFunction(ListToolsName)]
    [Description("""
        Lists the tool packages that Python code in the sandbox can import, with the signature of every function.
        Each function calls a tool on the host (for example of an MCP server) and returns its result, so code can call tools in loops
        and combine their results before anything is returned to you. Call this before writing code that uses tools.
        """)]
    public async Task<string> ListSandboxToolsAsync(Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        (await _tools.ListToolModulesAsync(ResolveConversationKey(kernel), cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Returns the generated source of one tool or of a tool package's index in the conversation's sandbox.</summary>
    /// <param name="module">A tool's module (<c>mcptools.weather.forecast</c>), or a package's module or tool set name.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>The source, or a readable error.</returns>
    [KernelFunction(ToolSourceName)]
    [Description("Returns generated Python source: of one tool (its module, e.g. \"mcptools.weather.forecast\": the function with its parameters, types, defaults and docstring) or of a package listed by list_sandbox_tools (its index: every tool with a one-line summary).")]
    public async Task<string> GetToolSourceAsync(
        [Description("A tool's module, e.g. \"mcptools.weather.forecast\", or a package's, e.g. \"mcptools.weather\".")] string module,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.GetToolSourceAsync(ResolveConversationKey(kernel), module, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Returns the source of a Python module on the sandbox kernel's path.</summary>
    /// <param name="module">A dotted module name.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The source, or a readable error.</returns>
    [KernelFunction(ModuleSourceName)]
    [Description("Returns the Python source of any module the sandbox's kernel can import (an installed library or a .py file in /app), to read an API before using it. The kernel imports the module.")]
    public async Task<string> GetModuleSourceAsync(
        [Description("A dotted module name, e.g. \"json.decoder\".")] string module,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.GetModuleSourceAsync(ResolveConversationKey(kernel), module, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Searches the tools of the conversation's sandbox by what they do.</summary>
    /// <param name="query">Words of what the tool should do, its name or its parameters.</param>
    /// <param name="limit">The most results, 1 to 50.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>The tools found, best first, each as its qualified call signature and a one-line summary; or a readable error.</returns>
    [KernelFunction(SearchToolsName)]
    [Description("""
        Searches the tools that Python code in the sandbox can call (MCP servers and host functions) by name, description and parameters.
        Returns the best matches as importable signatures with a one-line summary. Then call describe_tool for the one you need,
        and call it from execute_python code with keyword arguments.
        """)]
    public async Task<string> SearchToolsAsync(
        [Description("Words of what the tool should do, its name or its parameters, e.g. \"rain reading station\".")] string query,
        [Description("The most results, 1 to 50.")] int limit = 10,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.SearchToolsAsync(ResolveConversationKey(kernel), query, limit, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Returns the definition of one tool of the conversation's sandbox: import, signature and docstring.</summary>
    /// <param name="name">The tool's qualified name as search_tools gives it.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>The definition, or a readable error.</returns>
    [KernelFunction(DescribeToolName)]
    [Description("Returns the import line, Python signature and docstring of a tool found by search_tools.")]
    public async Task<string> DescribeToolAsync(
        [Description("The tool's name as search_tools gives it, e.g. \"mcptools.weather.reading\".")] string name,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.DescribeToolAsync(ResolveConversationKey(kernel), name, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Saves working Python code as a skill of the conversation's scope.</summary>
    /// <param name="name">The skill's name, a lower-case Python identifier.</param>
    /// <param name="description">What the skill does and how to call it.</param>
    /// <param name="code">The Python source.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the check and the save.</param>
    /// <returns>What was saved and how to import it, or a readable error.</returns>
    [KernelFunction(SaveSkillName)]
    [Description("""
        Saves Python code that worked as a reusable skill: a module importable as skills.<name> in this sandbox and in every later
        conversation. Give a function named like the skill, and a description of what it does and how to call it. Saving a name again
        adds a new version. Skills are found with search_tools.
        """)]
    public async Task<string> SaveSkillAsync(
        [Description("A lower-case Python identifier, e.g. \"rain_total\".")] string name,
        [Description("What the skill does, its parameters and its result.")] string description,
        [Description("The Python source, e.g. a function named like the skill.")] string code,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default) =>
        (await _tools.SaveSkillAsync(ResolveConversationKey(kernel), name, description, code, cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>Creates the tools as Microsoft.Extensions.AI functions; <see cref="DataContent"/> images pass through unserialised.</summary>
    /// <returns>
    /// The functions. The file-transfer functions are included only when <see cref="IpyBoxOptions.AllowedHostDirectories"/>
    /// is set, <c>export_notebook</c> only when <see cref="IpyBoxOptions.AllowNotebookExportTool"/> is; the tool-package functions only when tools are registered for every conversation or
    /// <see cref="IpyBoxOptions.IncludeToolDiscovery"/> is set; code execution and package installation require approval when <see cref="IpyBoxOptions.RequireApproval"/> is set.
    /// </returns>
    public IList<AIFunction> AsAIFunctions()
    {
        var functions = new List<AIFunction>();
        foreach (var (method, name) in ToolMethods())
        {
            var function = AIFunctionFactory.Create(method, this, new AIFunctionFactoryOptions
            {
                Name = name,
                ConfigureParameterBinding = parameter => parameter.ParameterType == typeof(Kernel)
                    ? new AIFunctionFactoryOptions.ParameterBindingOptions { BindParameter = (_, _) => null, ExcludeFromSchema = true }
                    : default,
            });
#pragma warning disable MEAI001 // Tool approval is experimental in Microsoft.Extensions.AI.
            var checkedFunction = new SchemaCheckedAIFunction(function);
            functions.Add(Options.RequireApproval && name is ExecuteName or InstallName ? new ApprovalRequiredAIFunction(checkedFunction) : checkedFunction);
#pragma warning restore MEAI001
        }

        return functions;
    }

    /// <summary>Creates the tools as a Semantic Kernel plugin.</summary>
    /// <param name="pluginName">The plugin name; models see it as a prefix of the function names.</param>
    /// <returns>
    /// The plugin. The file-transfer functions are included only when <see cref="IpyBoxOptions.AllowedHostDirectories"/> is set, <c>export_notebook</c> only when <see cref="IpyBoxOptions.AllowNotebookExportTool"/> is;
    /// the tool-package functions only when <see cref="IpyBoxOptions.HostToolSets"/> or <see cref="IpyBoxOptions.McpServers"/> is
    /// not empty or <see cref="IpyBoxOptions.IncludeToolDiscovery"/> is set.
    /// </returns>
    public KernelPlugin AsKernelPlugin(string pluginName = "python")
    {
        Throw.IfNullOrWhiteSpace(pluginName);
        var functions = ToolMethods().Select(t => KernelFunctionFactory.CreateFromMethod(t.Method, this, t.Name)).ToList();
        return KernelPluginFactory.CreateFromFunctions(pluginName, "Runs Python code in a sandbox container.", functions);
    }

    /// <summary>Whether a method of this class is a tool that <see cref="IpyBoxOptions.RequireApproval"/> puts under approval.</summary>
    internal static bool NeedsApproval(MethodInfo method) =>
        method.DeclaringType == typeof(IpyBoxPlugin) && method.GetCustomAttribute<KernelFunctionAttribute>()?.Name is ExecuteName or InstallName;

    /// <summary>
    /// On the Semantic Kernel route (a kernel is passed), returns the refusal of a call that needs approval and was not
    /// approved by an <see cref="IpyBoxApprovalFilter"/>; <see langword="null"/> when the call may run. The
    /// Microsoft.Extensions.AI route is approved before the call by <c>ApprovalRequiredAIFunction</c>.
    /// </summary>
    private string? RefuseUnapproved(Kernel? kernel, string name) =>
        Options.RequireApproval && kernel is not null && !IpyBoxApprovalFilter.IsApproved
            ? $"Error: {name} needs the application's approval (IpyBoxOptions.RequireApproval) and this call was not approved, so it did not run. " +
              "The application must add an IpyBoxApprovalFilter to the kernel (kernel.FunctionInvocationFilters, or AddIpyBoxApproval on the kernel builder)."
            : null;

    private IEnumerable<(MethodInfo Method, string Name)> ToolMethods()
    {
        foreach (var method in typeof(IpyBoxPlugin).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<KernelFunctionAttribute>() is not { Name: { } name })
            {
                continue;
            }

            if (name is UploadName or DownloadName && _tools.HostPaths.IsEmpty)
            {
                continue;
            }

            if (name is ExportNotebookName && !Options.AllowNotebookExportTool)
            {
                continue;
            }

            if (name is ListToolsName or ToolSourceName or ModuleSourceName or SearchToolsName or DescribeToolName && !HasToolDiscovery)
            {
                continue;
            }

            if (name is SaveSkillName && Options.Skills is null)
            {
                continue;
            }

            if (Options.SearchAndExecuteOnly && name is not (ExecuteName or SearchToolsName or DescribeToolName))
            {
                continue;
            }

            yield return (method, name);
        }
    }

    /// <summary>Gets a value indicating whether the tool-package functions are offered: tools are registered for every conversation, or the options ask for them.</summary>
    private bool HasToolDiscovery => Options.IncludeToolDiscovery || Options.SearchAndExecuteOnly || Options.Skills is not null || Options.HostToolSets.Count > 0 || Options.McpServers.Count > 0;

    /// <summary>
    /// Returns the conversation of a call in the order <see cref="IpyBoxConversation"/> documents: the bound key, the ambient
    /// key, the application's <see cref="IpyBoxOptions.ConversationKeySources"/>, then this surface's own sources (the chat
    /// options of the Microsoft.Extensions.AI round, the data of the Semantic Kernel), then the default.
    /// </summary>
    /// <param name="boundKey">The key the plugin was bound to, or <see langword="null"/>.</param>
    /// <param name="kernel">The Semantic Kernel the call came through, or <see langword="null"/>.</param>
    /// <param name="options">The options with the application's sources and the default key.</param>
    /// <returns>The key, or <see langword="null"/> when the call carries none and there is no default.</returns>
    internal static string? ResolveConversationKey(string? boundKey, Kernel? kernel, IpyBoxOptions options) =>
        ConversationKeyResolver.Resolve(
            boundKey,
            options.DefaultConversationKey,
            [.. options.ConversationKeySources, ChatOptionsConversationKeySource.Instance, new KernelDataConversationKeySource(kernel)]);

    private string? ResolveConversationKey(Kernel? kernel) => ResolveConversationKey(ConversationKey, kernel, Options);
}
