using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>
/// The web chat in a real browser against a real engine: the demo model's analysis, with each step checked as a user sees
/// it. Screenshots of every step are kept in the tests' <c>screenshots</c> folder.
/// </summary>
public sealed class WebChatPageTests(WebChatFixture fixture, ITestOutputHelper output) : IClassFixture<WebChatFixture>
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private ChromiumBrowser Browser => fixture.Browser;

    [Fact]
    public async Task The_demo_analysis_waits_for_approval_streams_its_output_shows_the_plot_and_asks_before_a_host_tool_call()
    {
        OpenNewConversation();
        Browser.Until("the demo banner", d => d.FindElement(By.Id("demo-banner")).Displayed);
        Assert.Matches(@"^\d+ warm, \d+ starting, \d+ in use$", Browser.Until("the pool's state", d => Text(d, "#pool") is { } t && t.Contains("warm", StringComparison.Ordinal) ? t : null));
        Shoot("01-start");

        Send("Show me how sales went this year.");

        // The code waits for the user: nothing runs until Approve is clicked.
        var first = Browser.Until("the first code approval", d => d.FindElement(By.CssSelector(".call[data-status='awaiting-approval']")));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("awaiting-approval", first.GetDomAttribute("data-status"));
        Assert.Equal(string.Empty, first.FindElement(By.CssSelector(".output")).GetDomProperty("textContent"));
        Assert.Contains("default_rng", first.FindElement(By.CssSelector(".code")).Text, StringComparison.Ordinal);
        Shoot("02-code-approval");
        first.FindElement(By.CssSelector(".approval button.approve")).Click();

        // The first line is on the page while the cell still runs (it sleeps about four seconds after printing it).
        var streaming = Browser.Until("the first streamed line", _ => CallSnapshots().FirstOrDefault(c => c.Output.Contains("Generating a year", StringComparison.Ordinal)))!;
        Assert.Equal("running", streaming.Status);
        Assert.DoesNotContain("Monthly totals ready.", streaming.Output, StringComparison.Ordinal);
        Shoot("03-streaming");
        Browser.Until("the first cell's end", _ => CallSnapshots().Any(c => c.Output.Contains("Monthly totals ready.", StringComparison.Ordinal) && c.Status == "done"));

        // The plot cell: approved, then its image shown at its own size, not broken.
        Browser.Until("the plot cell's approval", d => d.FindElement(By.CssSelector(".call[data-status='awaiting-approval'] .approval button.approve"))).Click();
        var size = Browser.Until("the plot, loaded", _ => Browser.Script(
            "const i = document.querySelector('.call img.plot'); return i && i.complete && i.naturalWidth > 0 ? [i.naturalWidth, i.naturalHeight, +i.dataset.width, +i.dataset.height] : null;") as IReadOnlyCollection<object>)!;
        var pixels = size.Select(p => Convert.ToInt64(p, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(pixels[0] > 300 && pixels[1] > 150, $"the plot is {pixels[0]}x{pixels[1]}");
        Assert.Equal(pixels[2], pixels[0]);
        Assert.Equal(pixels[3], pixels[1]);
        WaitForTurnEnd();
        Assert.Contains("(demo model) I generated a year", LastAnswer(), StringComparison.Ordinal);
        Assert.DoesNotMatch("not started yet", Text(Browser.Driver, "#sandbox-id") ?? string.Empty);
        Shoot("04-plot");

        // A file goes up into /app/inputs and is listed from the sandbox.
        var upload = Path.Combine(Path.GetTempPath(), $"notes-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(upload, "region,target\nnorth,3000\n");
        Browser.Driver.FindElement(By.Id("upload")).SendKeys(upload);
        Browser.Driver.FindElement(By.Id("upload-button")).Click();
        Browser.Until("the uploaded file in the list", d => Text(d, "#files")?.Contains($"inputs/{Path.GetFileName(upload)}", StringComparison.Ordinal) == true);
        File.Delete(upload);

        // The host tool call from the cell waits for its own approval, inside the running cell.
        Send("Now in euros, please.");
        Browser.Until("the third cell's approval", d => d.FindElement(By.CssSelector(".call[data-status='awaiting-approval'] .approval button.approve"))).Click();
        var hostPrompt = Browser.Until("the host tool's approval", d => d.FindElement(By.CssSelector(".call[data-status='running'] .approval[data-approval-id^='host-']")));
        Assert.Contains("shop.exchange_rate", hostPrompt.Text, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(CallSnapshots(), c => c.Output.Contains("1 USD", StringComparison.Ordinal));
        Assert.Single(CallSnapshots(), c => c.Status == "running");
        Shoot("05-host-tool-approval");
        hostPrompt.FindElement(By.CssSelector("button.approve")).Click();
        Browser.Until("the converted report", _ => CallSnapshots().Any(c => c.Output.Contains("1 USD = 0.92 EUR", StringComparison.Ordinal) && c.Status == "done"));
        WaitForTurnEnd();

        // The report is listed and downloads with the page's link; the notebook holds every cell that ran.
        Browser.Until("the report in the list", d => Text(d, "#files")?.Contains("outputs/monthly_sales_eur.csv", StringComparison.Ordinal) == true);
        var report = (string)Browser.AsyncScript("const done = arguments[arguments.length - 1]; fetch(document.querySelector('a.file[href*=\"monthly_sales_eur\"]').href).then(r => r.text()).then(done);")!;
        var lines = report.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(",north,south,west", lines[0]);
        Assert.Equal(13, lines.Length);
        var notebook = JsonDocument.Parse((string)Browser.AsyncScript("const done = arguments[arguments.length - 1]; fetch('/api/notebook').then(r => r.text()).then(done);")!);
        Assert.Equal(4, notebook.RootElement.GetProperty("nbformat").GetInt32());
        var sources = notebook.RootElement.GetProperty("cells").EnumerateArray().Select(c => SourceOf(c.GetProperty("source"))).ToList();
        Assert.Contains(sources, s => s.Contains("exchange_rate(currency=\"EUR\")", StringComparison.Ordinal));
        Assert.Contains(sources, s => s.Contains("plt.show()", StringComparison.Ordinal));
        Shoot("06-report");
    }

    [Fact]
    public void Declined_code_does_not_run_and_a_reloaded_page_replays_the_conversation()
    {
        OpenNewConversation();
        Send("Analyse something.");
        var call = Browser.Until("the code approval", d => d.FindElement(By.CssSelector(".call[data-status='awaiting-approval']")));
        call.FindElement(By.CssSelector(".approval button.decline")).Click();
        Browser.Until("the model's answer to the refusal", _ => LastAnswer().Contains("You declined", StringComparison.Ordinal));
        WaitForTurnEnd();

        Assert.Equal("declined", call.GetDomAttribute("data-status"));
        Assert.Equal(string.Empty, call.FindElement(By.CssSelector(".output")).GetDomProperty("textContent"));
        Shoot("07-declined");

        Browser.Driver.Navigate().Refresh();
        Browser.Until("the replayed answer", _ => LastAnswer().Contains("You declined", StringComparison.Ordinal));
        Assert.Equal("Analyse something.", Browser.Driver.FindElement(By.CssSelector(".bubble.user")).Text);
        Assert.Equal("declined", Browser.Driver.FindElement(By.CssSelector(".call")).GetDomAttribute("data-status"));
        Assert.Empty(Browser.Driver.FindElements(By.CssSelector(".approval button")));
    }

    /// <summary>A notebook cell's source: one string, or a list of lines (nbformat allows both).</summary>
    private static string SourceOf(JsonElement source) =>
        source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(line => line.GetString())) : source.GetString() ?? string.Empty;

    private static string? Text(IWebDriver driver, string css) => driver.FindElement(By.CssSelector(css)).Text;

    /// <summary>A fresh browser session: no cookie, so the app gives the page a new conversation.</summary>
    private void OpenNewConversation()
    {
        Browser.Driver.Navigate().GoToUrl(fixture.App.Address);
        Browser.Driver.Manage().Cookies.DeleteAllCookies();
        Browser.Driver.Navigate().GoToUrl(fixture.App.Address);
        Browser.Until("the page's state", d => Text(d, "#model") != "…");
    }

    private void Send(string message)
    {
        Browser.Until("an idle composer", d => d.FindElement(By.Id("send")).Enabled);
        Browser.Driver.FindElement(By.Id("message")).SendKeys(message);
        Browser.Driver.FindElement(By.Id("send")).Click();
        Browser.Until("the user's message on the page", d => d.FindElements(By.CssSelector(".bubble.user")).Any(b => b.Text == message));
    }

    private void WaitForTurnEnd() =>
        Browser.Until("the end of the model's turn", d => d.FindElement(By.TagName("body")).GetDomAttribute("data-busy") == "false");

    private string LastAnswer() =>
        Browser.Driver.FindElements(By.CssSelector(".bubble.assistant")).LastOrDefault()?.Text ?? string.Empty;

    /// <summary>Every call on the page at one instant: its status and its output text.</summary>
    private List<CallSnapshot> CallSnapshots()
    {
        var json = (string)Browser.Script("return JSON.stringify([...document.querySelectorAll('.call')].map(c => ({ status: c.dataset.status ?? '', output: c.querySelector('.output').textContent })));")!;
        return JsonSerializer.Deserialize<List<CallSnapshot>>(json, s_json)!;
    }

    private void Shoot(string name) => output.WriteLine($"screenshot: {Browser.Screenshot(name)}");

    private sealed record CallSnapshot(string Status, string Output);
}
