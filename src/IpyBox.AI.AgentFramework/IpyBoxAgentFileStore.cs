using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Agents.AI;

namespace IpyBox.AI;

/// <summary>
/// An Agent Framework <see cref="AgentFileStore"/> over the files of a sandbox's <c>/app</c>, so that
/// <see cref="FileAccessProvider"/> and <see cref="FileMemoryProvider"/> read and write the files the agent's Python code sees.
/// </summary>
/// <remarks>
/// <para>
/// Each operation runs in the sandbox of one conversation: the key given to the constructor; else the ambient key
/// (<see cref="IpyBoxConversation.Begin"/>); else the current agent run's session (the same key the
/// <see cref="IpyBoxContextProvider"/> and <see cref="AgentSessionConversationKeySource"/> use, so the store and the session's
/// Python tools share one sandbox); else <see cref="IpyBoxOptions.DefaultConversationKey"/>. An operation with none of these
/// throws an <see cref="InvalidOperationException"/>. The sandbox starts on first use.
/// </para>
/// <para>
/// Paths are relative to the store's root (<c>/app</c>, or a folder under it), with the rules of the file tools: an
/// absolute path or a <c>..</c> segment is refused with an <see cref="ArgumentException"/> before the sandbox is touched, and
/// the sandbox refuses again. Only regular files are read and listed; symbolic links a cell made are skipped. Text is
/// written as UTF-8. <see cref="AgentFileStore.SearchAsync"/> is the base implementation: it lists the files in scope and
/// scans each one read through <see cref="ReadAsync"/>, with the pattern matched case-insensitively under a time limit.
/// </para>
/// <para>Experimental like the Agent Framework's file stores it implements (diagnostic MAAI001).</para>
/// </remarks>
[Experimental("MAAI001")]
public sealed class IpyBoxAgentFileStore : AgentFileStore
{
    private readonly string? _conversationKey;
    private readonly string _root;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxAgentFileStore"/> class.</summary>
    /// <param name="sessions">The sandboxes of the conversations.</param>
    /// <param name="conversationKey">The conversation whose sandbox holds the files, or <see langword="null"/> to find it per operation.</param>
    /// <param name="rootFolder">The store's root, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sessions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="conversationKey"/> is blank, or <paramref name="rootFolder"/> is absolute or escapes <c>/app</c>.</exception>
    public IpyBoxAgentFileStore(SandboxSessionManager sessions, string? conversationKey = null, string rootFolder = "")
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (conversationKey is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(conversationKey);
        }

        Sessions = sessions;
        _conversationKey = conversationKey;
        _root = AgentFileStorePath.Normalize(rootFolder, nameof(rootFolder));
    }

    /// <summary>Gets the sandboxes of the conversations.</summary>
    public SandboxSessionManager Sessions { get; }

    /// <inheritdoc />
    public override async Task WriteAsync(string path, string content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = FilePath(path, nameof(path));
        var temporary = Path.Combine(Path.GetTempPath(), $"ipybox-store-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(temporary, content, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            await RunAsync((sandbox, ct) => sandbox.Files.UploadFileAsync(temporary, target, ct), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public override async Task<string?> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var source = FilePath(path, nameof(path));
        var temporary = Path.Combine(Path.GetTempPath(), $"ipybox-store-{Guid.NewGuid():N}");
        try
        {
            await RunAsync((sandbox, ct) => sandbox.Files.DownloadFileAsync(source, temporary, ct), cancellationToken).ConfigureAwait(false);
            return await File.ReadAllTextAsync(temporary, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public override async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = FilePath(path, nameof(path));
        try
        {
            await RunAsync((sandbox, ct) => sandbox.Files.DeleteFileAsync(target, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<FileStoreEntry>> ListChildrenAsync(string directory, CancellationToken cancellationToken = default)
    {
        var target = AgentFileStorePath.Combine(_root, AgentFileStorePath.Normalize(directory, nameof(directory)));
        var entries = await ListAsync(target, cancellationToken).ConfigureAwait(false);
        if (entries.Count == 1 && entries[0].RelativePath == target && entries[0].Kind != RemoteFileKind.Directory)
        {
            return []; // A file, not a directory: it has no children.
        }

        return
        [
            .. entries.Where(e => e.Kind == RemoteFileKind.Directory).Select(e => new FileStoreEntry(e.Name, FileStoreEntry.Directory)),
            .. entries.Where(e => e.Kind == RemoteFileKind.File).Select(e => new FileStoreEntry(e.Name, FileStoreEntry.File)),
        ];
    }

    /// <inheritdoc />
    public override async Task<bool> FileExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = FilePath(path, nameof(path));
        var entries = await ListAsync(target, cancellationToken).ConfigureAwait(false);
        return entries.Count == 1 && entries[0].RelativePath == target && entries[0].Kind == RemoteFileKind.File;
    }

    /// <inheritdoc />
    public override async Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        var target = AgentFileStorePath.Combine(_root, AgentFileStorePath.Normalize(path, nameof(path)));
        var empty = Directory.CreateTempSubdirectory("ipybox-store-");
        try
        {
            await RunAsync((sandbox, ct) => sandbox.Files.UploadDirectoryAsync(empty.FullName, target, ct), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            empty.Delete();
        }
    }

    /// <summary>Returns the store path of a file under the root; a file path may not be empty.</summary>
    private string FilePath(string path, string parameterName)
    {
        var normalized = AgentFileStorePath.Normalize(path, parameterName);
        if (normalized.Length == 0)
        {
            throw new ArgumentException("Give a file name; an empty path names the store's root.", parameterName);
        }

        return AgentFileStorePath.Combine(_root, normalized);
    }

    private async Task<IReadOnlyList<RemoteFileInfo>> ListAsync(string target, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync((sandbox, ct) => sandbox.Files.ListAsync(target, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            return [];
        }
    }

    private async Task<T> RunAsync<T>(Func<ISandbox, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var session = await Sessions.GetOrCreateAsync(ConversationKey(), cancellationToken).ConfigureAwait(false);
        return await session.RunAsync(action, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(Func<ISandbox, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var session = await Sessions.GetOrCreateAsync(ConversationKey(), cancellationToken).ConfigureAwait(false);
        await session.RunAsync(action, cancellationToken).ConfigureAwait(false);
    }

    private string ConversationKey() =>
        _conversationKey
        ?? IpyBoxConversation.Current
        ?? (AIAgent.CurrentRunContext?.Session is { } session ? AgentSessionSandboxKey.GetOrCreate(session) : null)
        ?? Sessions.Options.DefaultConversationKey
        ?? throw new InvalidOperationException(
            "The IpyBox file store found no conversation: give it a key, use it inside an agent run with a session, " +
            "begin one with IpyBoxConversation.Begin(key), or set IpyBoxOptions.DefaultConversationKey.");
}
