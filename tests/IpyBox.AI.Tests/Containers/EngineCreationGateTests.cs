namespace IpyBox.AI.Tests.Containers;

/// <summary>The image build gate: one build per engine and image at a time, and engines that do not wait for each other.</summary>
public sealed class EngineCreationGateTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);
    private static readonly Uri s_engineA = new("tcp://10.0.0.1:2375");
    private static readonly Uri s_engineB = new("tcp://10.0.0.2:2375");

    [Fact]
    public async Task A_build_on_one_engine_does_not_wait_for_a_build_on_another()
    {
        var gate = new EngineCreationGate();
        var slowBuild = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var onA = gate.CreateOnceAsync(s_engineA, "ipybox-ai:1", _ => Task.FromResult(false), async _ =>
        {
            slowStarted.SetResult();
            await slowBuild.Task;
        }, CancellationToken.None);
        await slowStarted.Task.WaitAsync(s_hang);

        var builtOnB = await gate.CreateOnceAsync(s_engineB, "ipybox-ai:1", _ => Task.FromResult(false), _ => Task.CompletedTask, CancellationToken.None).WaitAsync(s_hang);

        Assert.True(builtOnB);
        Assert.False(onA.IsCompleted);
        slowBuild.SetResult();
        Assert.True(await onA.WaitAsync(s_hang));
    }

    [Fact]
    public async Task The_same_image_on_the_same_engine_is_built_once_while_the_others_wait()
    {
        var gate = new EngineCreationGate();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builds = 0;
        var built = false;
        Task<bool> Ensure() => gate.CreateOnceAsync(s_engineA, "ipybox-ai:1", _ => Task.FromResult(Volatile.Read(ref built)), async _ =>
        {
            Interlocked.Increment(ref builds);
            await release.Task;
            Volatile.Write(ref built, true);
        }, CancellationToken.None);

        var first = Ensure();
        var others = Enumerable.Range(0, 3).Select(_ => Ensure()).ToList();
        await Task.Delay(50);
        Assert.All(others, o => Assert.False(o.IsCompleted));

        release.SetResult();
        var results = await Task.WhenAll([first, .. others]).WaitAsync(s_hang);

        Assert.Equal(1, builds);
        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task Other_images_on_the_same_engine_do_not_wait()
    {
        var gate = new EngineCreationGate();
        var slowBuild = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = gate.CreateOnceAsync(s_engineA, "ipybox-ai:1-root", _ => Task.FromResult(false), async _ =>
        {
            slowStarted.SetResult();
            await slowBuild.Task;
        }, CancellationToken.None);
        await slowStarted.Task.WaitAsync(s_hang);

        Assert.True(await gate.CreateOnceAsync(s_engineA, "ipybox-ai:1", _ => Task.FromResult(false), _ => Task.CompletedTask, CancellationToken.None).WaitAsync(s_hang));

        slowBuild.SetResult();
        await root.WaitAsync(s_hang);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_gate_to_the_build_in_progress()
    {
        var gate = new EngineCreationGate();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = gate.CreateOnceAsync(s_engineA, "ipybox-ai:1", _ => Task.FromResult(false), async _ =>
        {
            started.SetResult();
            await release.Task;
        }, CancellationToken.None);
        await started.Task.WaitAsync(s_hang);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.CreateOnceAsync(s_engineA, "ipybox-ai:1", _ => Task.FromResult(true), _ => Task.CompletedTask, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(s_hang));
        release.SetResult();
        Assert.True(await first.WaitAsync(s_hang));
        Assert.False(await gate.CreateOnceAsync(s_engineA, "ipybox-ai:1", _ => Task.FromResult(true), _ => Task.CompletedTask, CancellationToken.None).WaitAsync(s_hang));
    }
}
