namespace IpyBox.AI;

/// <summary>A version of a skill: Python code an agent saved, with its name and description, kept in a <see cref="SkillStore"/>.</summary>
/// <param name="Name">The skill's name, a Python identifier: sandbox code imports it as <c>skills.&lt;name&gt;</c>.</param>
/// <param name="Description">What the skill does, as its author wrote it (untrusted text).</param>
/// <param name="Code">The Python source (untrusted; it runs only in sandboxes).</param>
/// <param name="Version">The version, 1 for the first save; each save of the same name adds one.</param>
/// <param name="Tenant">The tenant whose sandboxes get it, or <see langword="null"/> for every sandbox of the application.</param>
public sealed record Skill(string Name, string Description, string Code, int Version, string? Tenant)
{
    /// <summary>Gets the module to import in the sandbox, e.g. <c>skills.rain_total</c>.</summary>
    public string Module => $"{SkillStore.PackageName}.{Name}";
}
