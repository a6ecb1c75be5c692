using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>The one way the tools install packages: pip in the kernel's own environment, run from a cell.</summary>
internal static class PipInstall
{
    /// <summary>How much of pip's output (each of stdout and stderr) the cell prints; the end is what matters.</summary>
    private const int OutputTail = 8000;

    /// <summary>Checks the requirements a model gave and returns them trimmed.</summary>
    /// <returns>The requirements, or <see langword="null"/> with <paramref name="error"/> saying what to give instead.</returns>
    public static IReadOnlyList<string>? Check(IEnumerable<string?>? packages, out string? error)
    {
        var requirements = (packages ?? []).Select(p => p?.Trim() ?? string.Empty).ToList();
        if (requirements.Count == 0 || requirements.Any(r => r.Length == 0))
        {
            error = "Error: no package was given, or an entry is empty. Pass requirement specifiers such as \"requests\" or \"numpy==1.26.4\", or wheel paths inside the sandbox.";
            return null;
        }

        if (requirements.FirstOrDefault(r => r.StartsWith('-')) is { } option)
        {
            error = $"Error: '{option}' is a pip option; only package requirements or wheel paths are accepted.";
            return null;
        }

        error = null;
        return requirements;
    }

    /// <summary>
    /// Returns a cell that installs <paramref name="requirements"/> with <c>python -m pip install</c> of the kernel's
    /// interpreter, prints the end of pip's output and raises <c>RuntimeError</c> when pip fails. The requirements travel
    /// base64-encoded, so no quoting in them can change the code.
    /// </summary>
    public static string Code(IReadOnlyList<string> requirements)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(requirements)));
        return $$"""
            def __ipybox_pip(encoded):
                import base64, importlib, json, subprocess, sys
                requirements = json.loads(base64.b64decode(encoded).decode())
                done = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", *requirements], capture_output=True, text=True)
                print(done.stdout[-{{OutputTail}}:].strip())
                if done.returncode != 0:
                    print(done.stderr[-{{OutputTail}}:].strip())
                    raise RuntimeError(f"pip install exited with code {done.returncode}")
                importlib.invalidate_caches()
            try:
                __ipybox_pip("{{encoded}}")
            finally:
                del __ipybox_pip
            """;
    }
}
