namespace IpyBox.AI;

/// <summary>Loads skills into a sandbox and lets its code save new ones.</summary>
public static class SkillExtensions
{
    /// <summary>
    /// Writes the skills of <paramref name="tenant"/>'s scope (the application's and the tenant's own) into the sandbox as the
    /// package <c>skills</c> (<c>/app/skills/&lt;name&gt;.py</c>), lists them in the sandbox's tool search, and serves
    /// <c>mcptools.save_skill</c>, which stores new skills in <paramref name="store"/> under the same scope. The skills' code is
    /// only written to files; it runs when sandbox code imports it.
    /// </summary>
    /// <param name="sandbox">A sandbox with a tool bridge (see <see cref="HostToolExtensions.WithToolBridge"/>).</param>
    /// <param name="store">The skills on the host.</param>
    /// <param name="tenant">The tenant whose scope the sandbox has, or <see langword="null"/> for the application's.</param>
    /// <param name="cancellationToken">Cancels writing the files.</param>
    /// <returns>The skills written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sandbox"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The sandbox has no tool bridge.</exception>
    public static async Task<IReadOnlyList<Skill>> AddSkillsAsync(this ISandbox sandbox, SkillStore store, string? tenant, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandbox);
        Throw.IfNull(store);
        var host = HostToolExtensions.GetToolBridge(sandbox);
        var skills = store.List(tenant);
        var staging = Directory.CreateTempSubdirectory("ipybox-skills-");
        try
        {
            var runtime = Directory.CreateDirectory(Path.Combine(staging.FullName, ToolPackage.Root));
            await File.WriteAllTextAsync(Path.Combine(runtime.FullName, "__init__.py"), HostToolExtensions.ReadResource(HostToolExtensions.DiscoveryResource), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(runtime.FullName, "_bridge.py"), HostToolExtensions.ReadResource(HostToolExtensions.BridgeResource), cancellationToken).ConfigureAwait(false);
            var package = Directory.CreateDirectory(Path.Combine(staging.FullName, SkillStore.PackageName));
            await File.WriteAllTextAsync(Path.Combine(package.FullName, "__init__.py"), "\"Skills saved by agents; each module is one skill.\"\n", cancellationToken).ConfigureAwait(false);
            foreach (var skill in skills)
            {
                await File.WriteAllTextAsync(Path.Combine(package.FullName, skill.Name + ".py"), skill.Code, cancellationToken).ConfigureAwait(false);
            }

            await sandbox.Files.UploadDirectoryAsync(runtime.FullName, ToolPackage.Root, cancellationToken).ConfigureAwait(false);
            await sandbox.Files.UploadDirectoryAsync(package.FullName, SkillStore.PackageName, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            staging.Delete(recursive: true);
        }

        host.EnableSkills(new SkillBinding(store, tenant));
        return skills;
    }
}
