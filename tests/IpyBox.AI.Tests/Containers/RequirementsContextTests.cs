using System.Text;

namespace IpyBox.AI.Tests;

public sealed class RequirementsContextTests : IDisposable
{
    private readonly TempDirectory _directory = new("ipybox-requirements-");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Local_paths_are_copied_in_and_rewritten_while_package_names_stay()
    {
        _directory.CreateDirectory("wheels");
        File.WriteAllText(_directory.Combine("wheels", "a-1.0-py3-none-any.whl"), "wheel");
        _directory.CreateDirectory("src", "pkg", "inner");
        File.WriteAllText(_directory.Combine("src", "pkg", "pyproject.toml"), "[project]");
        File.WriteAllText(_directory.Combine("src", "pkg", "inner", "mod.py"), "x = 1");
        var requirements = _directory.Combine("requirements.txt");
        File.WriteAllText(requirements, "# comment\n--no-index\n--find-links=./wheels\nnumpy>=1.0  # trailing comment\n./wheels/a-1.0-py3-none-any.whl\nsrc/pkg\n./missing.whl\n");

        var files = RequirementsContext.Create(requirements, Encoding.UTF8.GetBytes("FROM base\n"));

        var lines = Encoding.UTF8.GetString(files["requirements/requirements.txt"]).Split('\n');
        Assert.Equal(string.Empty, lines[0]);
        Assert.Equal("--no-index", lines[1]);
        Assert.Equal($"--find-links={RequirementsContext.ImageDirectory}/files/0/wheels", lines[2]);
        Assert.Equal("numpy>=1.0", lines[3]);
        Assert.Equal($"{RequirementsContext.ImageDirectory}/files/1/a-1.0-py3-none-any.whl", lines[4]);
        Assert.Equal($"{RequirementsContext.ImageDirectory}/files/2/pkg", lines[5]);
        Assert.Equal("./missing.whl", lines[6]);
        Assert.Equal("wheel", Encoding.UTF8.GetString(files["requirements/files/1/a-1.0-py3-none-any.whl"]));
        Assert.Equal("x = 1", Encoding.UTF8.GetString(files["requirements/files/2/pkg/inner/mod.py"]));
        Assert.True(files.ContainsKey("requirements/files/0/wheels/a-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void The_dockerfile_gets_an_install_step_as_the_kernel_user_after_its_own_steps()
    {
        var requirements = _directory.Combine("requirements.txt");
        File.WriteAllText(requirements, "numpy\n");

        var files = RequirementsContext.Create(requirements, Encoding.UTF8.GetBytes("FROM base\nUSER ${RUN_AS}\n"));

        var dockerfile = Encoding.UTF8.GetString(files["Dockerfile"]);
        Assert.StartsWith("FROM base\nUSER ${RUN_AS}\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"COPY --chown=${{UID}}:${{GID}} requirements {RequirementsContext.ImageDirectory}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"RUN PIP_USER=0 pip install --no-cache-dir -r {RequirementsContext.ImageDirectory}/requirements.txt", dockerfile, StringComparison.Ordinal);
    }
}
