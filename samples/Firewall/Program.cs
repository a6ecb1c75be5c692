// Restrict network access: InitFirewallAsync limits a sandbox's outbound traffic to domain names, IPv4
// addresses and CIDR ranges. To run without internet, this sample uses a second sandbox as the destination:
// it serves HTTP on port 8000. Sandboxes cannot reach each other on their own network, so both join the engine's
// default bridge for this demonstration.
using IpyBox.AI;

var shared = new ExecutionContainerOptions { Network = "bridge" };
await using var server = await ExecutionContainer.StartAsync(shared);
await using var serverKernel = server.CreateClient();
await serverKernel.ConnectAsync();
var serverAddress = (await serverKernel.ExecuteAsync("""
    import http.server, socket, threading
    open('/tmp/hello.txt', 'w').write('hello through the firewall')
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory='/tmp')
    threading.Thread(target=http.server.ThreadingHTTPServer(('0.0.0.0', 8000), handler).serve_forever, daemon=True).start()
    print(socket.gethostbyname(socket.gethostname()))
    """)).Text!;

await using var sandbox = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { Network = "bridge" });
await using var client = sandbox.CreateClient();
await client.ConnectAsync();
await client.ExecuteAsync($$"""
    import urllib.request
    def fetch():
        try:
            return urllib.request.urlopen('http://{{serverAddress}}:8000/hello.txt', timeout=5).read().decode()
        except Exception as e:
            return 'blocked (' + type(getattr(e, 'reason', e)).__name__ + ')'
    """);

var before = (await client.ExecuteAsync("print(fetch())")).Text;
Console.WriteLine($"no firewall:            {before}");

var result = await sandbox.InitFirewallAsync(["192.0.2.0/24"]);   // only a documentation range
var blocked = (await client.ExecuteAsync("print(fetch())")).Text;
Console.WriteLine($"allow 192.0.2.0/24:     {blocked}");

result = await sandbox.InitFirewallAsync([serverAddress]);        // calling again replaces the rules
var allowed = (await client.ExecuteAsync("print(fetch())")).Text;
Console.WriteLine($"allow {serverAddress,-16}: {allowed}  (allowed: {string.Join(", ", result.Allowed)})");

await sandbox.InitFirewallAsync([]);                              // empty: all outbound traffic blocked
var none = (await client.ExecuteAsync("print(fetch())")).Text;
Console.WriteLine($"allow nothing:          {none}");

// A sandbox without any network from the start.
await using var isolated = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { DisableNetwork = true });
await using var isolatedClient = isolated.CreateClient();
await isolatedClient.ConnectAsync();
var offline = (await isolatedClient.ExecuteAsync($$"""
    import socket
    try:
        socket.create_connection(('{{serverAddress}}', 8000), timeout=5)
        print('connected')
    except OSError as e:
        print('blocked', type(e).__name__)
    """)).Text;
Console.WriteLine($"DisableNetwork = true:  {offline}");

if (before != "hello through the firewall" || allowed != before
    || blocked?.StartsWith("blocked", StringComparison.Ordinal) != true
    || none?.StartsWith("blocked", StringComparison.Ordinal) != true
    || offline?.StartsWith("blocked", StringComparison.Ordinal) != true)
{
    throw new InvalidOperationException("the firewall did not behave as expected");
}
