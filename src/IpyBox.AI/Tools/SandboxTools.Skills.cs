namespace IpyBox.AI;

/// <summary>The skill tool: keep working code as a skill of the conversation's scope.</summary>
public sealed partial class SandboxTools
{
    /// <summary>
    /// Saves Python code as a skill (<see cref="IpyBoxOptions.Skills"/>): the code is compiled in the conversation's sandbox
    /// first (it does not run), then stored on the host as a new version in the conversation's scope and written into the
    /// sandbox, importable as <c>skills.&lt;name&gt;</c> there and in every new sandbox of the scope.
    /// </summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="name">The skill's name, a lower-case Python identifier.</param>
    /// <param name="description">What the skill does and how to call it.</param>
    /// <param name="code">The Python source, typically a function named like the skill.</param>
    /// <param name="cancellationToken">Cancels the check and the save.</param>
    /// <returns>What was saved and how to import it; an error result when skills are off, the name is invalid or the code does not compile.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> SaveSkillAsync(string? conversationKey, string name, string description, string code, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "save_skill",
            conversationKey,
            async (session, ct) =>
            {
                if (session.Sandbox.GetService<ToolBridgeHost>()?.Skills is not { } skills)
                {
                    return SandboxToolResult.Error("Error: skills are not enabled for this application (IpyBoxOptions.Skills).");
                }

                if (!SkillStore.IsValidName(name))
                {
                    return SandboxToolResult.Error("Error: a skill name is a lower-case Python identifier that starts with a letter and is no keyword or builtin, e.g. 'rain_total'.");
                }

                if (string.IsNullOrEmpty(code) || code.Length > SkillStore.MaxCodeLength)
                {
                    return SandboxToolResult.Error($"Error: a skill needs code of 1 to {SkillStore.MaxCodeLength} characters.");
                }

                // Compiled, not run: one expression, so the kernel's namespace is left as it was.
                try
                {
                    await session.RunAsync((sandbox, c) => sandbox.ExecuteAsync($"compile({PythonLiteral.String(code)}, '<skill>', 'exec') and None", cancellationToken: c), ct).ConfigureAwait(false);
                }
                catch (ExecutionException ex)
                {
                    return SandboxToolResult.Error(Fit($"Error: the code does not compile, so nothing was saved ({ex.ErrorName}: {ex.ErrorValue})."));
                }

                Skill skill;
                try
                {
                    skill = await skills.Store.SaveAsync(skills.Tenant, name, description, code, ct).ConfigureAwait(false);
                }
                catch (ArgumentException ex)
                {
                    return SandboxToolResult.Error($"Error: {ex.Message.Split(" (Parameter")[0]}");
                }

                await WriteSkillAsync(session, skill, ct).ConfigureAwait(false);
                session.Sandbox.GetService<ToolBridgeHost>()?.InvalidateIndex();
                return SandboxToolResult.Success($"Saved skill {skill.Name} version {skill.Version}. In Python: import {skill.Module} (also in new conversations of this scope).");
            },
            cancellationToken);

    private static async Task WriteSkillAsync(SandboxSession session, Skill skill, CancellationToken cancellationToken)
    {
        var staging = Directory.CreateTempSubdirectory("ipybox-skill-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(staging.FullName, "__init__.py"), "\"Skills saved by agents; each module is one skill.\"\n", cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(staging.FullName, skill.Name + ".py"), skill.Code, cancellationToken).ConfigureAwait(false);
            await session.RunAsync((sandbox, c) => sandbox.Files.UploadDirectoryAsync(staging.FullName, SkillStore.PackageName, c), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }
}
