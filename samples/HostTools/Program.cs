// Host functions for one conversation: Python in that conversation's sandbox calls a C# function of the application,
// after the application's approval handler allowed the call. Prints the Python signature a model sees, then the result.
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

// <per-conversation>
var services = new ServiceCollection();
services.AddIpyBox(options => options.Container.DisableNetwork = true)
    // Every call from sandbox code is put to the application first; without a handler every call is rejected.
    .ConfigureToolBridge(bridge => bridge.ApprovalHandler = (request, _) =>
        ValueTask.FromResult(request.SetName == "crm" ? HostToolApproval.Approve() : HostToolApproval.Reject("not allowed")));
await using var provider = services.BuildServiceProvider();
var sessions = provider.GetRequiredService<SandboxSessionManager>();

// Host functions for one conversation: any AIFunction (an SK KernelFunction is one); here a lookup in memory.
var customers = new Dictionary<string, string> { ["c-42"] = "Ada Lovelace, London, customer since 1843" };
var registration = await sessions.AddHostToolsAsync("thread-7", new HostToolSet(
    "crm",
    [AIFunctionFactory.Create((string customerId) => customers[customerId], "lookup_customer", "Returns a customer record.")],
    "The customer database."));
foreach (var function in registration.Functions)
{
    // What list_sandbox_tools shows a model: mcptools.crm.lookup_customer(*, customerId: str)
    Console.WriteLine($"{function.Module}.{function.Signature}");
}

// The code a model writes for that conversation (execute_python runs it the same way).
var tools = provider.GetRequiredService<SandboxTools>();
var result = await tools.ExecuteAsync("thread-7", """
    from mcptools.crm import lookup_customer
    print(lookup_customer(customerId="c-42"))
    """);
Console.WriteLine(result.Text); // Ada Lovelace, London, customer since 1843
// </per-conversation>

if (result.IsError || !result.Text.Contains("Ada Lovelace", StringComparison.Ordinal)
    || registration.Functions is not [{ Signature: "lookup_customer(*, customerId: str)" }])
{
    throw new InvalidOperationException($"unexpected signature or result: {registration.Functions[0].Signature} / {result.Text}");
}
