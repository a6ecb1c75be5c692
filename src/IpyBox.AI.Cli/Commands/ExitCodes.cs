namespace IpyBox.AI.Cli.Commands;

/// <summary>The process exit codes of the commands.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The Python code raised an exception, or the command failed (build error, invalid option).</summary>
    public const int Failure = 1;

    /// <summary>The sandbox could not be started or was lost (no engine, container failure).</summary>
    public const int SandboxError = 2;

    /// <summary>No sandbox has the id given (or no snapshot the name given): it never existed, was removed, or its lease expired.</summary>
    public const int NotFound = 3;

    /// <summary>The execution hit its timeout; the kernel was interrupted.</summary>
    public const int Timeout = 124;

    /// <summary>Interrupted by Ctrl+C or SIGTERM.</summary>
    public const int Cancelled = 130;
}
