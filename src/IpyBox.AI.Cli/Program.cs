using System.CommandLine;
using IpyBox.AI.Cli.Commands;
using IpyBox.AI.Cli.Terminal;

var root = new RootCommand("ipybox: run Python in stateful IPython kernels inside Docker sandbox containers.")
{
    BuildCommand.Create(),
    RunCommand.Create(),
    ExecCommand.Create(),
    ListCommand.Create(),
    LifecycleCommands.CreatePause(),
    LifecycleCommands.CreateStop(),
    LifecycleCommands.CreateResume(),
    LifecycleCommands.CreateRemove(),
    SnapshotCommand.Create(),
    CleanupCommand.Create(),
    McpCommand.Create(),
    ServeCommand.Create(),
};

// Ctrl+C and SIGTERM cancel the command's token so it can remove its container before the process ends;
// System.CommandLine's own handler would end the process after a fixed grace period.
using var termination = new TerminationSignal();
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, termination.Token);
