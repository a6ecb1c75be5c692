using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpyBox.AI.Tests.Tools;

public sealed class IpyBoxOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_safe()
    {
        var options = new IpyBoxOptions();
        options.Validate();
        Assert.Empty(options.AllowedHostDirectories);
        Assert.False(options.RequireApproval);
    }

    [Theory]
    [InlineData(0, "MaxSessions")]
    [InlineData(-1, "MaxSessions")]
    public void An_invalid_cap_is_refused_with_a_fix(int maxSessions, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new IpyBoxOptions { MaxSessions = maxSessions }.Validate());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dependency_injection_validates_the_options_when_the_manager_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddIpyBox(o => o.MaxOutputCharacters = 10);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SandboxSessionManager>());
        Assert.Contains("MaxOutputCharacters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dependency_injection_gives_one_manager_and_unbound_tools()
    {
        var services = new ServiceCollection();
        services.AddIpyBox(o => o.MaxSessions = 3);
        await using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<SandboxSessionManager>();
        var plugin = provider.GetRequiredService<IpyBoxPlugin>();
        Assert.Same(manager, plugin.Sessions);
        Assert.Equal(3, manager.Options.MaxSessions);
        Assert.Null(plugin.ConversationKey);
    }

    [Fact]
    public async Task Dependency_injection_uses_a_registered_sandbox_provider_and_docker_otherwise()
    {
        var jupyter = new JupyterServerSandboxProvider(new JupyterServerOptions { ServerUri = new Uri("http://127.0.0.1:8888/"), Token = "t" });
        var services = new ServiceCollection();
        services.AddSingleton<ISandboxProvider>(jupyter);
        services.AddIpyBox();
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.Same(jupyter, provider.GetRequiredService<SandboxSessionManager>().Provider);
        }

        await using var docker = new ServiceCollection().AddIpyBox().Services.BuildServiceProvider();
        Assert.IsType<DockerSandboxProvider>(docker.GetRequiredService<SandboxSessionManager>().Provider);
    }

    [Fact]
    public async Task File_tools_are_offered_only_when_host_directories_are_allowed()
    {
        await using var closed = new SandboxSessionManager();
        var names = closed.CreatePlugin().AsAIFunctions().Select(f => f.Name).ToList();
        Assert.Equal(["execute_python", "install_packages", "list_files", "reset_kernel"], names.Order());

        var options = new IpyBoxOptions();
        options.AllowedHostDirectories.Add(Path.GetTempPath());
        await using var open = new SandboxSessionManager(options);
        Assert.Contains("upload_file", open.CreatePlugin().AsKernelPlugin().Select(f => f.Name));
    }

    [Fact]
    public async Task The_model_sees_only_its_own_parameters_with_descriptions()
    {
        await using var manager = new SandboxSessionManager();
        var execute = manager.CreatePlugin().AsAIFunctions().Single(f => f.Name == "execute_python");
        var schema = execute.JsonSchema;

        Assert.Contains("stateful IPython kernel", execute.Description, StringComparison.Ordinal);
        Assert.Equal(["code", "timeoutSeconds"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["code"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()!));
        Assert.False(string.IsNullOrEmpty(schema.GetProperty("properties").GetProperty("code").GetProperty("description").GetString()));
        Assert.DoesNotContain("kernel\"", schema.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cancellationToken", schema.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_wraps_code_execution_and_package_installation()
    {
        await using var manager = new SandboxSessionManager(new IpyBoxOptions { RequireApproval = true });
        var functions = manager.CreatePlugin().AsAIFunctions();
#pragma warning disable MEAI001
        Assert.IsType<Microsoft.Extensions.AI.ApprovalRequiredAIFunction>(functions.Single(f => f.Name == "execute_python"));
        Assert.IsType<Microsoft.Extensions.AI.ApprovalRequiredAIFunction>(functions.Single(f => f.Name == "install_packages"));
        Assert.IsNotType<Microsoft.Extensions.AI.ApprovalRequiredAIFunction>(functions.Single(f => f.Name == "list_files"));
#pragma warning restore MEAI001
    }
}
