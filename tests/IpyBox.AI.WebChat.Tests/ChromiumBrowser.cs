using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>Debian's Chromium, headless, driven by its chromedriver through Selenium; screenshots are kept in <see cref="ScreenshotFolder"/>.</summary>
public sealed class ChromiumBrowser : IDisposable
{
    private const string BrowserPath = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";

    private ChromiumBrowser(ChromeDriver driver) => Driver = driver;

    /// <summary>Gets the folder the screenshots go to: <c>screenshots</c> next to the tests.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Gets the driver.</summary>
    public ChromeDriver Driver { get; }

    /// <summary>Starts the browser with a window large enough for the page and its files panel.</summary>
    public static ChromiumBrowser Start()
    {
        if (!File.Exists(BrowserPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException($"{BrowserPath} or {DriverPath} is missing: run eng/prepare-browser.sh (apt-get install chromium chromium-driver).");
        }

        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        // Root in a container has no user namespace for Chromium's sandbox; the page is our own.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromiumBrowser(new ChromeDriver(service, options, TimeSpan.FromMinutes(2)));
    }

    /// <summary>Waits until <paramref name="condition"/> returns a value other than null or false, or fails naming <paramref name="what"/>.</summary>
    public T Until<T>(string what, Func<IWebDriver, T> condition, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(Driver, timeout ?? TimeSpan.FromSeconds(90)) { Message = $"waiting for {what}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>Runs a script in the page and returns its value.</summary>
    public object? Script(string script, params object[] arguments) => Driver.ExecuteScript(script, arguments);

    /// <summary>Runs an asynchronous script (it calls its last argument with the value) and returns its value.</summary>
    public object? AsyncScript(string script) => Driver.ExecuteAsyncScript(script);

    /// <summary>Saves a screenshot of the page as <c>NAME.png</c> in <see cref="ScreenshotFolder"/> and returns its path.</summary>
    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
