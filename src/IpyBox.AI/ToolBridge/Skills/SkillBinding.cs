namespace IpyBox.AI;

/// <summary>The skills of one sandbox: the store they come from and are saved to, and the tenant whose scope the sandbox has.</summary>
/// <param name="Store">The store.</param>
/// <param name="Tenant">The tenant, or <see langword="null"/> for the application's scope.</param>
internal sealed record SkillBinding(SkillStore Store, string? Tenant)
{
    /// <summary>Gets the search documents of the skills the sandbox sees.</summary>
    public IEnumerable<ToolSearchDocument> Documents() => Store.List(Tenant).Select(SkillDocument.Of);
}
