namespace IpyBox.AI.IntegrationTests.Gvisor;

/// <summary>
/// Docker sandboxes under gVisor (<c>Runtime = "runsc"</c>), one shared by the tests of a class: a cold start under gVisor
/// takes seconds. Fails, never skips, when the engine has no runtime <c>runsc</c> (<c>eng/prepare-docker.sh --gvisor</c> adds it).
/// </summary>
public sealed class GvisorProviderFixture : SandboxProviderFixture
{
    /// <summary>The name the engine knows gVisor by.</summary>
    public const string Runtime = "runsc";

    /// <summary>Returns container options that run under gVisor.</summary>
    public static ExecutionContainerOptions Options() => new() { Runtime = Runtime };

    protected override Task<ISandboxProvider> CreateProviderAsync() => Task.FromResult<ISandboxProvider>(new DockerSandboxProvider(Options()));
}
