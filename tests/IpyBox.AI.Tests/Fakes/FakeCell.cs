using System.Text.Json.Nodes;

namespace IpyBox.AI.Tests;

/// <summary>What a cell of a <see cref="FakeSandbox"/> does: the kernel messages it produces, or the failure it ends with.</summary>
internal sealed class FakeCell
{
    private readonly Func<string, IEnumerable<string>>? _frames;
    private readonly Exception? _failure;

    private FakeCell(Func<string, IEnumerable<string>>? frames, Exception? failure)
    {
        _frames = frames;
        _failure = failure;
    }

    /// <summary>A cell that prints <paramref name="stdout"/> (if any) and displays <paramref name="images"/> tiny PNGs.</summary>
    public static FakeCell Prints(string? stdout, int images = 0) => new(
        id => [
            .. stdout is null ? [] : new[] { Frames.Stream(id, "stdout", stdout) },
            .. Enumerable.Range(0, images).Select(_ => Frames.Display(id, new JsonObject { ["image/png"] = Frames.TinyPng })),
            Frames.Reply(id),
            Frames.Status(id, "idle"),
        ],
        null);

    /// <summary>A cell that prints <paramref name="stdout"/> and then raises a Python exception.</summary>
    public static FakeCell Raises(string name, string value, string? stdout, params string[] traceback) => new(
        id => [
            .. stdout is null ? [] : new[] { Frames.Stream(id, "stdout", stdout) },
            Frames.Error(id, name, value, traceback),
            Frames.Reply(id, "error"),
            Frames.Status(id, "idle"),
        ],
        null);

    /// <summary>A cell that ends with <paramref name="failure"/> as the client reports it (timeout, dead kernel, lost connection).</summary>
    public static FakeCell Fails(Exception failure) => new(null, failure);

    /// <summary>Creates the execution and plays the cell into it.</summary>
    public Execution Start(string id)
    {
        var execution = new Execution(id, Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask);
        if (_failure is not null)
        {
            execution.Fail(_failure);
        }
        else
        {
            foreach (var frame in _frames!(id))
            {
                execution.Accept(Frames.Parse(frame));
            }
        }

        return execution;
    }
}
