using static IpyBox.AI.IntegrationTests.ScriptedChatClient;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Skills saved from sandbox code or by a model, reused by later conversations of the same tenant only.</summary>
public sealed class SkillTests : IDisposable
{
    private readonly TempDirectory _directory = new("ipybox-skills-");

    public void Dispose() => _directory.Dispose();

    private IpyBoxOptions Options() => new()
    {
        Container = new ExecutionContainerOptions { DisableNetwork = true },
        Skills = new SkillStore(_directory.FullName),
        SkillTenant = conversation => conversation.Split('-')[0],
    };

    [Fact]
    public async Task A_skill_saved_from_a_cell_is_imported_by_a_new_conversation_of_its_tenant_and_a_new_manager_but_not_by_another_tenant()
    {
        await using (var scope = await SessionManagerScope.CreateAsync(Options()))
        {
            var first = await scope.SessionAsync("alice-1");
            var saved = await first.ExecuteAsync("""
                from mcptools import save_skill
                code = "def rain_total(readings):\n    return round(sum(readings), 1)\n"
                print(save_skill("rain_total", "Sums rainfall readings in millimetres.", code))
                from skills.rain_total import rain_total
                print(rain_total([1.25, 2]))
                """);
            Assert.Equal("{'name': 'rain_total', 'module': 'skills.rain_total', 'version': 1}\n3.2", saved.Text);

            var second = await scope.SessionAsync("alice-2");
            var reused = await second.ExecuteAsync("""
                from skills.rain_total import rain_total
                from mcptools import search_tools
                print(rain_total([4, 5]), search_tools("sum rainfall millimetres")[0]["name"])
                """);
            Assert.Equal("9 skills.rain_total.rain_total", reused.Text);

            var other = await scope.SessionAsync("bob-1");
            var refused = await other.ExecuteAsync("""
                try:
                    import skills.rain_total
                except ModuleNotFoundError:
                    print("not found")
                from mcptools import search_tools
                print(search_tools("sum rainfall millimetres"))
                """);
            Assert.Equal("not found\n[]", refused.Text);
        }

        // Another manager over the same folder, as another process of the application would be.
        await using var later = await SessionManagerScope.CreateAsync(Options());
        var third = await later.SessionAsync("alice-3");
        Assert.Equal("7", (await third.ExecuteAsync("from skills.rain_total import rain_total\nprint(rain_total([3, 4]))")).Text);
    }

    [Fact]
    public async Task A_model_saves_a_skill_with_the_tool_and_code_that_does_not_compile_or_hostile_names_are_refused()
    {
        await using var scope = await SessionManagerScope.CreateAsync(Options());
        var tools = scope.Manager.CreatePlugin("carol-1").AsAIFunctions();
        Assert.Contains("save_skill", tools.Select(t => t.Name));
        var evidence = Path.Combine(_directory.FullName, "ran");
        var hostileCode = $"open({PythonLiteral.String(evidence)}, 'w').write('x')\ndef wipe():\n    pass\n";
        var model = new ScriptedChatClient(
            _ => Call("bad", "save_skill", new() { ["name"] = "broken", ["description"] = "d", ["code"] = "def broken(:\n" }),
            _ => Call("evil", "save_skill", new() { ["name"] = "../../x", ["description"] = "d", ["code"] = "x = 1" }),
            _ => Call("ok", "save_skill", new() { ["name"] = "wipe", ["description"] = HostileTools.Breakouts[0], ["code"] = hostileCode }),
            _ => Say("done"));

        await new ChatClientBuilder(model).UseFunctionInvocation().Build().GetResponseAsync("save", new ChatOptions { Tools = [.. tools] });

        Assert.StartsWith("Error: the code does not compile", TextOf(ResultOf(model.Requests[1], "bad")), StringComparison.Ordinal);
        Assert.StartsWith("Error: a skill name is", TextOf(ResultOf(model.Requests[2], "evil")), StringComparison.Ordinal);
        Assert.Equal("Saved skill wipe version 1. In Python: import skills.wipe (also in new conversations of this scope).", TextOf(ResultOf(model.Requests[3], "ok")));
        var skill = Assert.Single(scope.Manager.Options.Skills!.List("carol"));
        Assert.Equal((HostileTools.Breakouts[0].Trim(), hostileCode), (skill.Description, skill.Code));
        Assert.False(File.Exists(evidence)); // stored on the host, never run there
    }
}
