namespace IpyBox.AI;

/// <summary>The state of a sandbox that <see cref="ISandboxDirectory"/> lists.</summary>
public enum SandboxState
{
    /// <summary>The kernel runs (or is being started) and takes executions.</summary>
    Running,

    /// <summary>Frozen by <see cref="ISandboxDirectory.PauseAsync"/>: the kernel and its memory are kept and use no CPU; resuming continues with variables intact.</summary>
    Paused,

    /// <summary>Stopped by <see cref="ISandboxDirectory.StopAsync"/> (or ended): memory is released, files under <c>/app</c> and installed packages are kept; resuming starts a fresh kernel.</summary>
    Stopped,
}
