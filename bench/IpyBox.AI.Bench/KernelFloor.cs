using System.Text.Json;

/// <summary>
/// The kernel's floor, measured inside a sandbox container with jupyter_client over ZeroMQ (no server, no WebSocket,
/// no .NET): a fresh kernel of the same image answering the same cells.
/// </summary>
internal static class KernelFloor
{
    private const string Script = """
        import json, sys, time
        from jupyter_client.manager import start_new_kernel

        round_trips, streams = int(sys.argv[1]), int(sys.argv[2])
        km, kc = start_new_kernel(kernel_name="python3")

        def run(code):
            start = time.perf_counter()
            first = None
            msg_id = kc.execute(code)
            while True:
                msg = kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream" and first is None:
                    first = time.perf_counter()
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            kc.get_shell_msg(timeout=30)
            end = time.perf_counter()
            return (end - start) * 1000, None if first is None else (first - start) * 1000

        for _ in range(20):
            run("x = 1")
        result = {
            "round_trip": [run("x = 1")[0] for _ in range(round_trips)],
            "first_print": [run("print('tick')\nimport time\ntime.sleep(0.3)")[1] for _ in range(streams)],
        }
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        print(json.dumps(result))
        """;

    public static async Task<(Samples RoundTrip, Samples FirstPrint)> MeasureAsync(string containerId, int roundTrips, int streams)
    {
        var output = await DockerCli.RunAsync(Script, "exec", "-i", "-w", "/app", containerId, "/opt/venv/bin/python", "-", $"{roundTrips}", $"{streams}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return (Read(json.RootElement.GetProperty("round_trip")), Read(json.RootElement.GetProperty("first_print")));

        static Samples Read(JsonElement array) => new(array.EnumerateArray().Select(e => e.GetDouble()));
    }
}
