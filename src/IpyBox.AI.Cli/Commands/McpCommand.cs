using System.CommandLine;
using IpyBox.AI.Cli.Mcp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox mcp</c>: a stdio MCP server that gives an MCP client one Python sandbox.</summary>
internal static class McpCommand
{
    public static Command Create()
    {
        var allowedDirectories = new Option<DirectoryInfo[]>("--allowed-dir")
        {
            Description = "A host directory upload_file may read from and download_file may write to. Repeatable. Without one, file transfer is refused.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var networkArguments = new NetworkArguments("the sandbox");
        var mcpConfig = new Option<FileInfo?>("--mcp-config")
        {
            Description = "A JSON file in the common mcpServers format. Each server's tools become a Python package (mcptools.<name>) that code in the sandbox can import and call; stdio servers are started on this host.",
        };
        var toolApproval = new Option<string>("--tool-approval")
        {
            Description = "'approve' lets sandbox code call the --mcp-config servers' tools; 'deny' rejects every call (the packages can still be listed and read).",
            DefaultValueFactory = _ => "approve",
        };
        toolApproval.AcceptOnlyFromAmong("approve", "deny");
        var searchOnly = new Option<bool>("--search-tools-only")
        {
            Description = "Serve only execute_ipython_cell, search_tools and describe_tool: for --mcp-config servers with more tools than a client should list, the client finds tools by search and calls them from code.",
        };
        var skillsDirectory = new Option<DirectoryInfo?>("--skills-dir")
        {
            Description = "A host folder of skills (created when missing; other ipybox processes may share it). Turns on save_skill: code that worked is kept there and loaded into this sandbox and every later one as the package skills.<name>. Skills run only in the sandbox.",
        };
        var skillsTenant = new Option<string?>("--skills-tenant")
        {
            Description = "With --skills-dir: the tenant whose skills this sandbox gets (with the folder's shared ones) and to whose scope save_skill saves. Without it, skills are saved to the shared scope.",
        };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Minimum level of the log written to stderr.",
            DefaultValueFactory = _ => LogLevel.Information,
        };
        var container = new ContainerArguments();

        var command = new Command("mcp", "Serve a Python sandbox to an MCP client over stdio (tools: execute_ipython_cell, upload_file, download_file, reset, install_packages; with --mcp-config also list_sandbox_tools, get_tool_source, get_module_source, search_tools, describe_tool; with --skills-dir also save_skill).")
        {
            allowedDirectories, mcpConfig, toolApproval, searchOnly, skillsDirectory, skillsTenant, logLevel,
        };
        container.AddTo(command);
        networkArguments.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (networkArguments.Conflict(parse) is { } conflict)
            {
                Console.Error.WriteLine(conflict);
                return ExitCodes.Failure;
            }

            var skills = parse.GetValue(skillsDirectory);
            var tenant = parse.GetValue(skillsTenant);
            if (tenant is not null && (skills is null || string.IsNullOrWhiteSpace(tenant)))
            {
                Console.Error.WriteLine(skills is null ? "error: --skills-tenant needs --skills-dir." : "error: --skills-tenant needs a non-empty name.");
                return ExitCodes.Failure;
            }

            ExecutionContainerOptions containerOptions;
            List<string> hostDirectories;
            IReadOnlyList<McpServerDefinition> servers;
            try
            {
                servers = parse.GetValue(mcpConfig) is { } configFile ? await McpConfiguration.LoadAsync(configFile.FullName, cancellationToken) : [];
                containerOptions = container.ToOptions(parse);
                networkArguments.ApplyTo(containerOptions, parse);

                containerOptions.Validate();
                hostDirectories = ExistingDirectories(parse.GetValue(allowedDirectories) ?? []);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or McpServerException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }

            using var host = McpServerHost.Build(
                options =>
                {
                    options.Container = containerOptions;
                    foreach (var directory in hostDirectories)
                    {
                        options.AllowedHostDirectories.Add(directory);
                    }

                    foreach (var server in servers)
                    {
                        options.McpServers.Add(server);
                    }

                    if (skills is not null)
                    {
                        options.Skills = new SkillStore(skills.FullName);
                        options.SkillTenant = _ => tenant;
                    }

                    HostToolApprovals.Configure(options.ToolBridge, parse.GetValue(toolApproval) == "deny", "ipybox mcp");
                },
                parse.GetValue(logLevel),
                toolDiscovery: servers.Count > 0 || skills is not null,
                searchAndExecuteOnly: parse.GetValue(searchOnly),
                skills: skills is not null);
            await host.RunAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <exception cref="DirectoryNotFoundException">A directory does not exist.</exception>
    private static List<string> ExistingDirectories(DirectoryInfo[] directories)
    {
        foreach (var directory in directories.Where(d => !d.Exists))
        {
            throw new DirectoryNotFoundException($"The allowed directory '{directory.FullName}' does not exist; create it or fix --allowed-dir.");
        }

        return [.. directories.Select(d => d.FullName)];
    }
}
