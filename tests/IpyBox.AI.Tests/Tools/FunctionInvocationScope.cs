using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.Tools;

/// <summary>Sets the function-invoking client's current context, as it does around each function call.</summary>
internal sealed class FunctionInvocationScope : FunctionInvokingChatClient
{
    private FunctionInvocationScope()
        : base(new NullChatClient())
    {
    }

    /// <summary>Makes <paramref name="options"/> the current round's options until the returned scope is disposed.</summary>
    public static IDisposable Begin(ChatOptions options)
    {
        var previous = CurrentContext;
        CurrentContext = new FunctionInvocationContext { Options = options };
        return new Restore(previous);
    }

    private sealed class Restore(FunctionInvocationContext? previous) : IDisposable
    {
        public void Dispose() => CurrentContext = previous;
    }
}
