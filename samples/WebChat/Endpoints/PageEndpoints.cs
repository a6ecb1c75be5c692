/// <summary>The page, its script and its style, served from the assembly's resources; the page also gives the browser its conversation cookie.</summary>
internal static class PageEndpoints
{
    public static void MapPage(this WebApplication app)
    {
        app.MapGet("/", (HttpContext http, ConversationStore store) =>
        {
            store.For(http);
            return Resource("index.html", "text/html; charset=utf-8");
        });
        app.MapGet("/app.js", () => Resource("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Resource("app.css", "text/css; charset=utf-8"));
    }

    private static IResult Resource(string name, string contentType)
    {
        var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream($"wwwroot/{name}")
            ?? throw new InvalidOperationException($"The page's resource {name} is missing from the assembly.");
        return Results.Stream(stream, contentType);
    }
}
