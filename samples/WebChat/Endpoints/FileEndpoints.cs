using IpyBox.AI;

/// <summary>
/// The conversation's files: uploads into <c>/app/inputs</c>, the listing and download of <c>/app/inputs</c> and
/// <c>/app/outputs</c>, and the notebook of everything the conversation ran.
/// </summary>
internal static class FileEndpoints
{
    private static readonly string[] s_folders = ["inputs", "outputs"];

    public static void MapFiles(this WebApplication app)
    {
        app.MapPost("/api/files", async (IFormFile file, HttpContext http, ConversationStore store, SandboxSessionManager sessions, CancellationToken cancellationToken) =>
        {
            var name = Path.GetFileName(file.FileName);
            if (name.Length == 0 || name is "." or "..")
            {
                return Results.BadRequest("The file needs a name.");
            }

            var conversation = store.For(http);
            var session = await sessions.GetOrCreateAsync(conversation.Key, cancellationToken);
            store.Track(conversation, session.SandboxId);
            var local = Path.GetTempFileName();
            try
            {
                await using (var target = File.Create(local))
                {
                    await file.CopyToAsync(target, cancellationToken);
                }

                await session.RunAsync((sandbox, ct) => sandbox.Files.UploadFileAsync(local, $"inputs/{name}", ct), cancellationToken);
            }
            finally
            {
                File.Delete(local);
            }

            conversation.AddNote($"[The user uploaded {name}; it is at /app/inputs/{name}.]");
            conversation.Events.Append("file", new { path = $"inputs/{name}", size = file.Length });
            return Results.Ok();
        }).DisableAntiforgery();

        app.MapGet("/api/files", async (HttpContext http, ConversationStore store, SandboxSessionManager sessions, CancellationToken cancellationToken) =>
        {
            var conversation = store.For(http);
            if (conversation.SandboxId is null)
            {
                return Results.Ok(Array.Empty<object>());
            }

            var session = await sessions.GetOrCreateAsync(conversation.Key, cancellationToken);
            var files = await session.RunAsync(async (sandbox, ct) =>
            {
                List<RemoteFileInfo> found = [];
                foreach (var folder in s_folders)
                {
                    try
                    {
                        found.AddRange((await sandbox.Files.ListAsync(folder, ct)).Where(e => e.Kind == RemoteFileKind.File));
                    }
                    catch (DirectoryNotFoundException)
                    {
                        // Nothing uploaded or written there yet.
                    }
                }

                return found;
            }, cancellationToken);
            return Results.Ok(files.Select(f => new { path = f.RelativePath, size = f.Size }));
        });

        app.MapGet("/api/files/download", async (string path, HttpContext http, ConversationStore store, SandboxSessionManager sessions, CancellationToken cancellationToken) =>
        {
            var parts = path.Split('/');
            if (parts is not [var folder, var name] || !s_folders.Contains(folder) || Path.GetFileName(name) != name || name is "" or "." or "..")
            {
                return Results.BadRequest("Only files directly in inputs/ or outputs/ can be downloaded.");
            }

            var conversation = store.For(http);
            var session = await sessions.GetOrCreateAsync(conversation.Key, cancellationToken);
            var local = Path.GetTempFileName();
            try
            {
                await session.RunAsync((sandbox, ct) => sandbox.Files.DownloadFileAsync(path, local, ct), cancellationToken);
            }
            catch (IOException e)
            {
                File.Delete(local);
                return Results.NotFound(e.Message);
            }

            var stream = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.DeleteOnClose);
            return Results.File(stream, "application/octet-stream", name);
        });

        app.MapGet("/api/notebook", async (HttpContext http, ConversationStore store, SandboxSessionManager sessions, CancellationToken cancellationToken) =>
        {
            var notebook = new MemoryStream();
            return await sessions.ExportNotebookAsync(store.For(http).Key, notebook, cancellationToken)
                ? Results.File(notebook.ToArray(), "application/x-ipynb+json", "conversation.ipynb")
                : Results.NotFound("The conversation has no sandbox yet: send a message first.");
        });
    }
}
