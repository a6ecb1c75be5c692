using System.CommandLine;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox cleanup</c>: removes the containers IpyBox.AI created, found by their labels.</summary>
internal static class CleanupCommand
{
    public static Command Create()
    {
        var image = new Option<string?>("--image")
        {
            Description = "Only containers of this image.",
        };
        var labels = new Option<string[]>("--label")
        {
            Description = "Only containers with this label, as KEY=VALUE. Repeatable (all must match).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var conversation = new Option<string?>("--conversation")
        {
            Description = "Only the sandbox containers of this conversation key.",
        };
        var orphaned = new Option<bool>("--orphaned")
        {
            Description = "Only orphans: containers whose creating process on this machine no longer runs. The default; kept for scripts.",
        };
        var all = new Option<bool>("--all")
        {
            Description = "Also the containers of processes that still run, and of other machines: their live sandboxes end.",
        };
        var snapshots = new Option<bool>("--snapshots")
        {
            Description = "Also remove every snapshot (the ipybox-snapshot images 'ipybox snapshot ls' lists), whatever the other options; sandboxes started from one keep their files.",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "List what would be removed without removing it.",
        };

        var command = new Command("cleanup", "Remove what IpyBox.AI left behind: the containers of processes that no longer run (with --all also the live sandboxes of running processes), the /app volumes removed containers left behind, the library's networks no container uses besides the sandbox network, and snapshot images that saving a snapshot again left behind (with --snapshots every snapshot).")
        {
            image, labels, conversation, orphaned, all, snapshots, dryRun,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(all) && parse.GetValue(orphaned))
            {
                Console.Error.WriteLine("error: --all and --orphaned exclude each other.");
                return ExitCodes.Failure;
            }

            // Live sandboxes of running processes (or of other machines, whose processes cannot be seen from here) are
            // someone's work in progress: only --all removes them.
            var filter = new ManagedContainerFilter
            {
                Image = parse.GetValue(image),
                ConversationKey = parse.GetValue(conversation),
                OrphanedOnly = !parse.GetValue(all),
            };
            try
            {
                foreach (var (key, value) in (parse.GetValue(labels) ?? []).Select(l => KeyValueParser.Parse(l, "--label")))
                {
                    filter.Labels[key] = value;
                }

                var dry = parse.GetValue(dryRun);
                var containers = dry
                    ? await ManagedContainers.ListAsync(filter, cancellationToken)
                    : await ManagedContainers.RemoveAsync(filter, cancellationToken);
                foreach (var container in containers)
                {
                    var owner = container.OwnerProcessId is { } pid ? $", pid {pid}{(container.IsOrphaned ? " (gone)" : string.Empty)}" : string.Empty;
                    var serves = container.ConversationKey is { } key ? $", conversation {key}" : string.Empty;
                    Console.WriteLine($"{(dry ? "Would remove" : "Removed")} {container.Id[..Math.Min(12, container.Id.Length)]} {container.Name} ({container.Image}, {container.State}{owner}{serves})");
                }

                // After the containers: their removal frees their volumes, and a volume one left behind is garbage.
                var volumes = dry
                    ? await ManagedContainers.ListLeftoverVolumesAsync(filter, cancellationToken)
                    : await ManagedContainers.RemoveLeftoverVolumesAsync(filter, cancellationToken);
                foreach (var volume in volumes)
                {
                    Console.WriteLine($"{(dry ? "Would remove" : "Removed")} leftover volume {volume}");
                }

                // Last: a network is left only once no container is attached to it.
                var networks = dry
                    ? await ManagedContainers.ListLeftoverNetworksAsync(filter, cancellationToken)
                    : await ManagedContainers.RemoveLeftoverNetworksAsync(filter, cancellationToken);
                foreach (var network in networks)
                {
                    Console.WriteLine($"{(dry ? "Would remove" : "Removed")} leftover network {network[..Math.Min(12, network.Length)]}");
                }

                Console.WriteLine($"{(dry ? "Would remove" : "Removed")} {containers.Count} container(s), {volumes.Count} leftover volume(s) and {networks.Count} leftover network(s).");

                // Images: a snapshot image left by saving again is freed once the sandboxes started from it are gone (above).
                var images = dry
                    ? await ManagedContainers.ListLeftoverSnapshotImagesAsync(filter, cancellationToken)
                    : await ManagedContainers.RemoveLeftoverSnapshotImagesAsync(filter, cancellationToken);
                foreach (var leftover in images)
                {
                    Console.WriteLine($"{(dry ? "Would remove" : "Removed")} leftover snapshot image {ShortImageId(leftover)}");
                }

                var removedSnapshots = parse.GetValue(snapshots) ? await RemoveSnapshotsAsync(dry, cancellationToken) : 0;
                if (images.Count > 0 || parse.GetValue(snapshots))
                {
                    Console.WriteLine($"{(dry ? "Would remove" : "Removed")} {images.Count} leftover snapshot image(s) and {removedSnapshots} snapshot(s).");
                }

                if (filter.OrphanedOnly && await CountKeptAsync(filter, cancellationToken) is > 0 and var kept)
                {
                    Console.WriteLine($"Kept {kept} container(s) of processes that still run or of other machines; --all removes them too.");
                }

                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is ArgumentException or IpyBoxException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>Removes (or with <paramref name="dry"/> lists) every snapshot, printing each; returns how many.</summary>
    private static async Task<int> RemoveSnapshotsAsync(bool dry, CancellationToken cancellationToken)
    {
        var snapshots = new DockerSandboxProvider().Snapshots;
        var count = 0;
        foreach (var snapshot in await snapshots.ListSnapshotsAsync(cancellationToken))
        {
            if (dry || await snapshots.DeleteSnapshotAsync(snapshot.Name, cancellationToken))
            {
                Console.WriteLine($"{(dry ? "Would remove" : "Removed")} snapshot {snapshot.Name}");
                count++;
            }
        }

        return count;
    }

    private static string ShortImageId(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return hex[..Math.Min(12, hex.Length)];
    }

    /// <summary>Counts the matching containers that are not orphans: those a cleanup without <c>--all</c> keeps.</summary>
    private static async Task<int> CountKeptAsync(ManagedContainerFilter orphans, CancellationToken cancellationToken)
    {
        var every = new ManagedContainerFilter
        {
            Image = orphans.Image,
            ConversationKey = orphans.ConversationKey,
            DockerEndpoint = orphans.DockerEndpoint,
        };
        foreach (var (key, value) in orphans.Labels)
        {
            every.Labels[key] = value;
        }

        return (await ManagedContainers.ListAsync(every, cancellationToken)).Count(c => !c.IsOrphaned);
    }
}
