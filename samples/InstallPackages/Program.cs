// Install packages at runtime: `!pip install` in a cell installs into the kernel's environment, without root,
// and the package can be imported in the next cell. With a package index reachable this is simply
// `!pip install einops`; this sample has no network, so it first writes a tiny source package in the sandbox.
using IpyBox.AI;

await using var container = await ExecutionContainer.StartAsync();
await using var client = container.CreateClient();
await client.ConnectAsync();

await client.ExecuteAsync("""
    import os
    os.makedirs('greeting_src/greeting', exist_ok=True)
    open('greeting_src/greeting/__init__.py', 'w').write("__version__ = '0.1.0'\ndef hello(name):\n    return f'Hello, {name}!'\n")
    open('greeting_src/setup.py', 'w').write("from setuptools import setup\nsetup(name='greeting', version='0.1.0', packages=['greeting'])\n")
    """);

// Stream pip's progress while it installs. --no-index: never contact a package index.
var install = await client.SubmitAsync("!pip install --no-index --no-build-isolation ./greeting_src");
await foreach (var chunk in install.StreamAsync())
{
    Console.Write(chunk);
}

var result = await client.ExecuteAsync("import greeting\nprint(greeting.hello('sandbox'), greeting.__version__)");
Console.WriteLine($"Output: {result.Text}");
if (result.Text != "Hello, sandbox! 0.1.0")
{
    throw new InvalidOperationException("the package was not importable after installing it");
}
