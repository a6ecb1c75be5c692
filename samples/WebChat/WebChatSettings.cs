/// <summary>The web chat's settings, from the <c>WebChat</c> section of its configuration (<c>--WebChat:RequireApproval=false</c>).</summary>
internal sealed class WebChatSettings
{
    /// <summary>Gets or sets a value indicating whether code execution and package installation wait for the user's approval.</summary>
    public bool RequireApproval { get; set; } = true;

    /// <summary>Gets or sets how many sandboxes the warm pool keeps started ahead of new conversations; 0 for no pool.</summary>
    public int WarmPool { get; set; } = 1;

    /// <summary>
    /// Gets or sets a value indicating whether conversations' sandboxes are durable: they carry an id that <c>ipybox ls</c> shows and
    /// outlive the process for their lease. Durable sandboxes are started on demand, without the warm pool.
    /// </summary>
    public bool Durable { get; set; }
}
