using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI;

/// <summary>
/// Answers <c>mcptools.save_skill</c> from sandbox code on the host: the code was compiled in the sandbox by the runtime
/// before the call; the host checks the name and sizes and writes the files of a new version to the sandbox's scope. It
/// never runs the code. The calls go to <see cref="SetName"/>, which no tool set can have.
/// </summary>
internal static class SkillCalls
{
    /// <summary>The set name the runtime sends skill calls to.</summary>
    public const string SetName = "-skills";

    public static JsonObject Answer(ToolBridgeCall call, SkillBinding? skills)
    {
        if (skills is null)
        {
            return ToolBridgeCallReading.Failure(call.Id, "bridge", "Skills are not enabled for this sandbox: the application configures no skill store.");
        }

        if (call.ToolName != "save" || !call.TryGetString("name", out var name) || !call.TryGetString("description", out var description) || !call.TryGetString("code", out var code))
        {
            return ToolBridgeCallReading.Failure(call.Id, "tool", "save_skill needs a name, a description and code, all strings.");
        }

        try
        {
            var skill = skills.Store.SaveAsync(skills.Tenant, name, description, code).GetAwaiter().GetResult();
            return new JsonObject
            {
                ["id"] = call.Id,
                ["value"] = new JsonObject { ["json"] = new JsonObject { ["name"] = skill.Name, ["module"] = skill.Module, ["version"] = skill.Version } },
            };
        }
        catch (ArgumentException ex)
        {
            return ToolBridgeCallReading.Failure(call.Id, "tool", ex.Message.Split(" (Parameter")[0]);
        }
        catch (IOException)
        {
            return ToolBridgeCallReading.Failure(call.Id, "tool", "The skill could not be written on the host.");
        }
    }
}
