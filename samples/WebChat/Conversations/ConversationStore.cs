using System.Collections.Concurrent;
using System.Security.Cryptography;

/// <summary>The conversations of the browser sessions: one per session cookie, found again by its sandbox for host-tool prompts.</summary>
internal sealed class ConversationStore
{
    /// <summary>The cookie that names a browser session's conversation.</summary>
    public const string CookieName = "ipybox-webchat";

    private readonly ConcurrentDictionary<string, WebConversation> _byKey = new();
    private readonly ConcurrentDictionary<string, WebConversation> _bySandbox = new();

    /// <summary>The request's conversation, from its cookie; a new one (and the cookie) when it has none or an unknown one.</summary>
    public WebConversation For(HttpContext http)
    {
        if (http.Request.Cookies.TryGetValue(CookieName, out var key) && _byKey.TryGetValue(key, out var known))
        {
            return known;
        }

        key = "web-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Response.Cookies.Append(CookieName, key, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true });
        return _byKey.GetOrAdd(key, k => new WebConversation(k));
    }

    /// <summary>Records which conversation a sandbox belongs to.</summary>
    public void Track(WebConversation conversation, string sandboxId)
    {
        conversation.SandboxId = sandboxId;
        _bySandbox[sandboxId] = conversation;
    }

    /// <summary>The conversation with <paramref name="key"/>, if any.</summary>
    public WebConversation? ByKey(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>The conversation whose sandbox has <paramref name="sandboxId"/>, if any.</summary>
    public WebConversation? BySandbox(string sandboxId) => _bySandbox.GetValueOrDefault(sandboxId);
}
