using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox build</c>: builds the runtime image, optionally with extra Python requirements.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var tag = new Option<string?>("--tag", "-t")
        {
            Description = "The image tag. Default: the library's runtime image tag (the root variant's with --root), so 'run' and 'mcp' use the result without --image.",
        };
        var requirements = new Option<FileInfo?>("--requirements", "-d")
        {
            Description = "A pip requirements file to install into the image; it may name local wheels, archives or project folders (relative to the file).",
        };
        var root = new Option<bool>("--root")
        {
            Description = "Build the root variant: the kernel runs as root (no firewall support).",
        };
        var baseImage = new Option<string?>("--base-image")
        {
            Description = "The Debian-based image to build on. Default: debian:bookworm-slim.",
        };

        var command = new Command("build", "Build the sandbox image, streaming the build output.") { tag, requirements, root, baseImage };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new RuntimeImageBuildOptions
            {
                Tag = parse.GetValue(tag),
                RequirementsFile = parse.GetValue(requirements)?.FullName,
                RunAsRoot = parse.GetValue(root),
                BaseImage = parse.GetValue(baseImage),
                Progress = BuildProgressDisplay.ForStandardError(),
            };

            var clock = Stopwatch.StartNew();
            try
            {
                Console.Error.WriteLine($"Building {options.EffectiveTag}...");
                var built = await RuntimeImageBuilder.BuildAsync(options, cancellationToken);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Built {built} in {clock.Elapsed.TotalSeconds:0.0} s."));
                Console.WriteLine(built);
                return ExitCodes.Success;
            }
            catch (ImageBuildException ex)
            {
                // The output was streamed already: end with the error line alone, not the tail the message repeats.
                var error = ex.Output.Length > 0 ? ex.Message.Split('\n')[0].TrimEnd() : ex.Message;
                Console.Error.WriteLine($"error: {error}");
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or DockerUnavailableException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("Build cancelled.");
                return ExitCodes.Cancelled;
            }
        });
        return command;
    }
}
