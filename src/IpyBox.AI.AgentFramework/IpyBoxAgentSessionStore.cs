using System.Diagnostics.CodeAnalysis;
using Microsoft.Agents.AI;

namespace IpyBox.AI;

/// <summary>
/// A session store that ends a session's sandbox when the application deletes the session. Wrap the application's store:
/// <c>new IpyBoxAgentSessionStore(store, provider)</c>.
/// </summary>
/// <remarks>Experimental like the Agent Framework's session stores it wraps (diagnostic MAAI001).</remarks>
[Experimental("MAAI001")]
public sealed class IpyBoxAgentSessionStore : DelegatingAgentSessionStore
{
    private readonly IpyBoxContextProvider _provider;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxAgentSessionStore"/> class.</summary>
    /// <param name="innerStore">The store that keeps the sessions.</param>
    /// <param name="provider">The provider whose sandboxes the sessions use.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public IpyBoxAgentSessionStore(AgentSessionStore innerStore, IpyBoxContextProvider provider)
        : base(innerStore)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
    }

    /// <summary>Ends the stored session's sandbox, then deletes the session.</summary>
    /// <param name="agent">The agent that owns the session.</param>
    /// <param name="key">The session's key in the store.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>A task that completes when the sandbox is removed and the session deleted.</returns>
    public override async ValueTask DeleteSessionAsync(AIAgent agent, AgentSessionStoreKey key, CancellationToken cancellationToken = default)
    {
        if (await InnerStore.GetSessionAsync(agent, key, cancellationToken).ConfigureAwait(false) is { } session)
        {
            await _provider.EndSessionAsync(session, cancellationToken).ConfigureAwait(false);
        }

        await base.DeleteSessionAsync(agent, key, cancellationToken).ConfigureAwait(false);
    }
}
