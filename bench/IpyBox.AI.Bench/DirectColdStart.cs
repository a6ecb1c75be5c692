using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;

/// <summary>
/// The cold start's floor: the steps the library takes, done directly and nothing else — create and start the
/// same container (the library's default settings) through the engine API, poll the server's HTTP port, create a kernel, open its WebSocket and run
/// <c>x = 1</c> until its reply and idle status have arrived.
/// </summary>
internal sealed class DirectColdStart(string image) : IDisposable
{
    private const string BenchLabel = "ai.ipybox.bench";
    private const string Scratch = "size=536870912";
    private readonly DockerClient _docker = new DockerClientBuilder().Build();

    public async Task<double> RunAsync()
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var clock = Stopwatch.StartNew();
        var created = await _docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            // The server reads its token from standard input, written once after the start.
            OpenStdin = true,
            StdinOnce = true,
            AttachStdin = true,
            Labels = new Dictionary<string, string> { [BenchLabel] = "direct-cold-start" },
            ExposedPorts = new Dictionary<string, EmptyStruct> { ["8888/tcp"] = default },
            // The container the library starts by default (ExecutionContainerOptions): the same limits, read-only root
            // file system with tmpfs scratch space, /app volume and init process.
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>> { ["8888/tcp"] = [new PortBinding { HostIP = "127.0.0.1", HostPort = string.Empty }] },
                SecurityOpt = ["no-new-privileges"],
                CapDrop = ["ALL"],
                Memory = 2L << 30,
                MemorySwap = 2L << 30,
                NanoCPUs = 2_000_000_000,
                PidsLimit = 512,
                ReadonlyRootfs = true,
                Init = true,
                Mounts = [new Mount { Type = "volume", Target = "/app" }],
                Tmpfs = new Dictionary<string, string>
                {
                    ["/tmp"] = $"rw,nosuid,nodev,{Scratch}",
                    ["/home/ipybox"] = $"rw,nosuid,nodev,{Scratch},uid=1000,gid=1000,mode=0700",
                    ["/opt/venv/user"] = $"rw,nosuid,nodev,{Scratch},uid=1000,gid=1000,mode=0755",
                },
            },
        });
        try
        {
            await _docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            using (var stdin = await _docker.Containers.AttachContainerAsync(created.ID, new ContainerAttachParameters { Stream = true, Stdin = true }))
            {
                var line = Encoding.UTF8.GetBytes(token + "\n");
                await stdin.WriteAsync(line, 0, line.Length, CancellationToken.None);
                stdin.CloseWrite();
            }

            var inspect = await _docker.Containers.InspectContainerAsync(created.ID);
            var port = inspect.NetworkSettings!.Ports!["8888/tcp"]![0].HostPort;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
            while (true)
            {
                try
                {
                    using var probe = await http.GetAsync("api");
                    break;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(5);
                }
            }

            using var created201 = await http.PostAsync("api/kernels", new StringContent("""{"name":"python3"}""", Encoding.UTF8, "application/json"));
            created201.EnsureSuccessStatusCode();
            using var model = JsonDocument.Parse(await created201.Content.ReadAsStringAsync());
            var kernelId = model.RootElement.GetProperty("id").GetString();

            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", $"token {token}");
            var session = Guid.NewGuid().ToString("N");
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/api/kernels/{kernelId}/channels?session_id={session}"), CancellationToken.None);
            var msgId = Guid.NewGuid().ToString("N");
            var request = JsonSerializer.Serialize(new
            {
                header = new { msg_id = msgId, username = "bench", session, msg_type = "execute_request", version = "5.3", date = DateTime.UtcNow.ToString("O") },
                parent_header = new { },
                metadata = new { },
                content = new { code = "x = 1", silent = false, store_history = true, user_expressions = new { }, allow_stdin = false, stop_on_error = true },
                channel = "shell",
                buffers = Array.Empty<object>(),
            });
            await socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, CancellationToken.None);
            bool replied = false, idle = false;
            var buffer = new byte[1 << 16];
            while (!(replied && idle))
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult frame;
                do
                {
                    frame = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, frame.Count);
                }
                while (!frame.EndOfMessage);
                using var json = JsonDocument.Parse(message.ToArray());
                var root = json.RootElement;
                if (!root.GetProperty("parent_header").TryGetProperty("msg_id", out var parent) || parent.GetString() != msgId)
                {
                    continue;
                }

                var type = root.GetProperty("msg_type").GetString();
                replied |= type == "execute_reply";
                idle |= type == "status" && root.GetProperty("content").GetProperty("execution_state").GetString() == "idle";
            }

            return clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            await _docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }
    }

    public void Dispose() => _docker.Dispose();
}
