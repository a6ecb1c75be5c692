using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Code in a real kernel calls host <see cref="AIFunction"/>s through generated packages over the kernel's stdin channel.</summary>
public sealed class ToolBridgeTests(ToolBridgeFixture fixture) : IClassFixture<ToolBridgeFixture>
{
    private static readonly ToolBridgeOptions s_approveAll = new() { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll };

    private ISandbox Sandbox => fixture.First;

    [Fact]
    public async Task A_cell_in_a_network_disabled_sandbox_calls_a_host_function_in_a_loop_and_aggregates()
    {
        Assert.True(Sandbox.GetService<ExecutionContainer>()!.Options.DisableNetwork);
        var calls = 0;
        var set = new HostToolSet("calc", [AIFunctionFactory.Create(
            ([Description("The first addend.")] int a, int b) =>
            {
                Interlocked.Increment(ref calls);
                return a + b;
            },
            "add",
            "Adds two integers.")]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        var function = Assert.Single(registration.Functions);
        Assert.Equal("mcptools.calc.add", function.QualifiedName);
        Assert.Equal("add(*, a: int, b: int)", function.Signature);
        var result = await Sandbox.ExecuteAsync("""
            import numpy
            from mcptools.calc import add
            total = 0
            for i in numpy.arange(20):
                total = add(a=total, b=i)
            print(total)
            """);

        Assert.Equal("190", result.Text);
        Assert.Equal(20, calls);
    }

    [Fact]
    public async Task Strings_stay_text_structured_values_become_python_objects_and_images_display()
    {
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGP4z8AAQQxwFgBB0gX7h/C5SAAAAABJRU5ErkJggg==");
        var set = new HostToolSet("shapes", [
            AIFunctionFactory.Create((string name) => $"hello {name}", "greet"),
            AIFunctionFactory.Create((int n) => new Report(n, [.. Enumerable.Range(1, n)], new Dictionary<string, bool> { ["even"] = n % 2 == 0 }), "report"),
            AIFunctionFactory.Create(() => new DataContent(png, "image/png"), "picture"),
            AIFunctionFactory.Create(() => (string?)null, "nothing"),
        ]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        var result = await Sandbox.ExecuteAsync("""
            from mcptools import shapes
            r = shapes.report(n=3)
            print(repr(shapes.greet(name='x"y')), type(r).__name__, r['count'], r['items'], r['flags']['even'], shapes.nothing())
            image = shapes.picture()
            print(type(image).__name__, image.mime_type)
            image
            """);

        Assert.StartsWith("'hello x\"y' dict 3 [1, 2, 3] False None\nToolImage image/png", result.Text);
        var shown = Assert.Single(result.Images);
        Assert.Equal((3, 2), (shown.Width, shown.Height));
    }

    [Fact]
    public async Task A_tool_that_throws_raises_ToolError_with_its_message_and_no_host_stack_trace()
    {
        var set = new HostToolSet("failing", [AIFunctionFactory.Create(new Func<string>(() => throw new InvalidOperationException("the disk is on fire")), "explode")]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        var result = await Sandbox.ExecuteAsync("""
            from mcptools.failing import explode, ToolError
            try:
                explode()
            except ToolError as error:
                print(type(error).__name__, '|', error)
            """);

        Assert.Equal("ToolError | explode failed: the disk is on fire", result.Text);
    }

    [Fact]
    public async Task A_rejected_call_raises_ToolRejectedError_and_the_tool_never_runs()
    {
        var ran = 0;
        var requests = new ConcurrentQueue<HostToolApprovalRequest>();
        var set = new HostToolSet("guarded", [AIFunctionFactory.Create((string path) => Interlocked.Increment(ref ran), "delete_file")]);
        var options = new ToolBridgeOptions
        {
            ApprovalHandler = (request, _) =>
            {
                requests.Enqueue(request);
                return ValueTask.FromResult(HostToolApproval.Reject("deleting is not allowed here"));
            },
        };
        using var registration = await Sandbox.AddHostToolsAsync(set, options);

        var error = await Assert.ThrowsAsync<ExecutionException>(() => Sandbox.ExecuteAsync("from mcptools.guarded import delete_file\ndelete_file(path='/etc/passwd')"));

        Assert.Equal("ToolRejectedError", error.ErrorName);
        Assert.Equal("deleting is not allowed here", error.ErrorValue);
        Assert.Equal(0, ran);
        var request = Assert.Single(requests);
        Assert.Same(Sandbox, request.Sandbox);
        Assert.Equal("guarded", request.SetName);
        Assert.Equal("delete_file", request.Call.Name);
        Assert.Equal("/etc/passwd", request.Call.Arguments!["path"]!.ToString());
    }

    [Fact]
    public async Task Without_an_approval_handler_the_default_policy_rejects_every_call()
    {
        var ran = 0;
        var set = new HostToolSet("unapproved", [AIFunctionFactory.Create(() => Interlocked.Increment(ref ran), "touch")]);
        using var registration = await Sandbox.AddHostToolsAsync(set);

        var error = await Assert.ThrowsAsync<ExecutionException>(() => Sandbox.ExecuteAsync("import mcptools.unapproved as t\nt.touch()"));

        Assert.Equal("ToolRejectedError", error.ErrorName);
        Assert.Contains("no approval handler", error.ErrorValue);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task Waiting_for_approval_longer_than_the_time_limit_does_not_time_the_cell_out()
    {
        var set = new HostToolSet("slowapproval", [AIFunctionFactory.Create(() => "done", "work")]);
        var options = new ToolBridgeOptions
        {
            ApprovalHandler = async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
                return HostToolApproval.Approve();
            },
        };
        using var registration = await Sandbox.AddHostToolsAsync(set, options);

        var result = await Sandbox.ExecuteAsync("from mcptools.slowapproval import work\nprint(work())", timeout: TimeSpan.FromSeconds(2));

        Assert.Equal("done", result.Text);
    }

    [Fact]
    public async Task Concurrent_calls_from_threads_each_get_their_own_result()
    {
        var set = new HostToolSet("echo", [AIFunctionFactory.Create(
            async (int value, int delayMs) =>
            {
                await Task.Delay(delayMs);
                return value * 10;
            },
            "slow_echo")]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        var result = await Sandbox.ExecuteAsync("""
            import threading
            from mcptools.echo import slow_echo
            results = {}
            def worker(i):
                results[i] = [slow_echo(value=i * 100 + k, delayMs=(37 * i + 11 * k) % 120) for k in range(5)]
            threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
            for t in threads: t.start()
            for t in threads: t.join()
            wrong = [(i, r) for i, r in results.items() if r != [(i * 100 + k) * 10 for k in range(5)]]
            print(len(results), wrong)
            """);

        Assert.Equal("8 []", result.Text);
    }

    [Fact]
    public async Task A_cell_that_times_out_during_a_call_leaves_the_bridge_usable_for_the_next_cell()
    {
        var set = new HostToolSet("interrupted", [
            AIFunctionFactory.Create(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                return "late";
            }, "slow"),
            AIFunctionFactory.Create((int x) => x + 1, "inc"),
        ]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        await Assert.ThrowsAsync<ExecutionTimeoutException>(() => Sandbox.ExecuteAsync("from mcptools.interrupted import slow, inc\nslow()", timeout: TimeSpan.FromSeconds(1)));
        var result = await Sandbox.ExecuteAsync("print([inc(x=i) for i in range(5)])");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var later = await Sandbox.ExecuteAsync("print([inc(x=i) for i in range(5)])");

        Assert.Equal("[1, 2, 3, 4, 5]", result.Text);
        Assert.Equal("[1, 2, 3, 4, 5]", later.Text);
    }

    [Fact]
    public async Task Registrations_survive_a_kernel_reset()
    {
        var set = new HostToolSet("persistent", [AIFunctionFactory.Create(() => "still here", "ping")]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        await Sandbox.ResetAsync();
        var result = await Sandbox.ExecuteAsync("from mcptools.persistent import ping\nprint(ping())");

        Assert.Equal("still here", result.Text);
    }

    [Fact]
    public async Task A_second_sandbox_cannot_call_the_first_ones_tools()
    {
        var ran = 0;
        using var first = await fixture.First.AddHostToolsAsync(new HostToolSet("secret", [AIFunctionFactory.Create(() => Interlocked.Increment(ref ran), "launch")]), s_approveAll);
        using var second = await fixture.Second.AddHostToolsAsync(new HostToolSet("public", [AIFunctionFactory.Create(() => "ok", "hello")]), s_approveAll);
        var function = Assert.Single(first.Functions);

        var result = await fixture.Second.ExecuteAsync($$"""
            from mcptools import _bridge
            from mcptools.public import hello
            try:
                _bridge.call("secret", "{{function.FunctionName}}", {})
            except _bridge.ToolBridgeError as error:
                print(type(error).__name__, '|', error)
            print(hello())
            """);

        Assert.Equal("ToolBridgeError | No tool 'launch' of a set 'secret' is registered on this sandbox.\nok", result.Text);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task A_disposed_registration_no_longer_serves_calls()
    {
        var registration = await Sandbox.AddHostToolsAsync(new HostToolSet("gone", [AIFunctionFactory.Create(() => 1, "one")]), s_approveAll);
        using var other = await Sandbox.AddHostToolsAsync(new HostToolSet("kept", [AIFunctionFactory.Create(() => 2, "two")]), s_approveAll);
        registration.Dispose();

        var result = await Sandbox.ExecuteAsync("""
            from mcptools.gone import one, ToolBridgeError
            from mcptools.kept import two
            try:
                one()
            except ToolBridgeError:
                print('refused', two())
            """);

        Assert.Equal("refused 2", result.Text);
        Assert.DoesNotContain(Sandbox.GetHostToolModules(), module => module.SetName == "gone");
    }

    [Fact]
    public async Task Ordinary_input_still_reaches_other_handlers()
    {
        using var registration = await Sandbox.AddHostToolsAsync(new HostToolSet("quiet", [AIFunctionFactory.Create(() => 1, "one")]), s_approveAll);

        var result = await Sandbox.ExecuteAsync("print(repr(input('name? ')))");

        Assert.Equal("''", result.Text);
    }

    [Fact]
    public async Task Each_tool_is_a_small_module_of_its_own_and_the_package_index_lists_and_re_exports_them()
    {
        var tools = Enumerable.Range(0, 40)
            .Select(i => AIFunctionFactory.Create((string city, int days) => $"{city}{days}", $"tool_{i}", $"Reads reading {i} of a city.\nDetails the index leaves out."))
            .ToArray();
        using var registration = await Sandbox.AddHostToolsAsync(new HostToolSet("layout", tools), s_approveAll);

        var files = await Sandbox.ExecuteAsync("""
            import os, mcptools.layout as _p
            _d = os.path.dirname(_p.__file__)
            _f = sorted(n for n in os.listdir(_d) if n.endswith('.py'))
            print(len(_f), _f[0], sum(os.path.getsize(os.path.join(_d, n)) for n in _f))
            """);
        var one = await Sandbox.GetModuleSourceAsync("mcptools.layout.tool_7");
        var index = await Sandbox.GetModuleSourceAsync("mcptools.layout");
        var calls = await Sandbox.ExecuteAsync("from mcptools.layout import tool_7\nfrom mcptools.layout.tool_8 import tool_8\nprint(tool_7(city='a', days=1), tool_8(city='b', days=2))");

        var parts = files.Text!.Split(' ');
        Assert.Equal("41", parts[0]);
        Assert.Equal("__init__.py", parts[1]);
        Assert.Contains("def tool_7(*, city: str, days: int)", one);
        Assert.DoesNotContain("tool_8", one);
        Assert.True(one.Length * 20 < int.Parse(parts[2], CultureInfo.InvariantCulture), $"one tool's module is {one.Length} of {parts[2]} bytes");
        Assert.Contains("tool_8: Reads reading 8 of a city.", index);
        Assert.DoesNotContain("Details the index leaves out", index);
        Assert.DoesNotContain("def ", index);
        Assert.Equal("a1 b2", calls.Text);
    }

    [Fact]
    public async Task The_generated_source_and_any_module_source_can_be_read()
    {
        using var registration = await Sandbox.AddHostToolsAsync(new HostToolSet("readable", [AIFunctionFactory.Create((string city) => city, "weather", "Tells the weather.")]), s_approveAll);

        var source = await Sandbox.GetModuleSourceAsync("mcptools.readable");
        var tool = await Sandbox.GetModuleSourceAsync("mcptools.readable.weather");
        var json = await Sandbox.GetModuleSourceAsync("json.decoder");

        Assert.Equal(registration.Source.TrimEnd(), source);
        Assert.Contains("weather: Tells the weather.", source);
        Assert.Contains("def weather(*, city: str)", tool);
        Assert.Contains("class JSONDecoder", json);
        Assert.Contains(Sandbox.GetHostToolModules(), module => module.Module == "mcptools.readable" && module.Source == registration.Source);
        await Assert.ThrowsAsync<ArgumentException>(() => Sandbox.GetModuleSourceAsync("os; import shutil"));
        var missing = await Assert.ThrowsAsync<ExecutionException>(() => Sandbox.GetModuleSourceAsync("no_such_module_here"));
        Assert.Equal("ModuleNotFoundError", missing.ErrorName);
    }

    [Fact]
    public async Task A_hostile_servers_package_compiles_imports_and_runs_without_executing_any_of_its_text()
    {
        var received = new ConcurrentQueue<string>();
        var set = HostileTools.Create(arguments => received.Enqueue(string.Join(",", arguments.Keys.Order(StringComparer.Ordinal))));
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);
        var first = registration.Functions[0];

        var result = await Sandbox.ExecuteAsync($$"""
            import glob, importlib, os, py_compile, pydoc
            files = sorted(glob.glob('/app/mcptools/**/*.py', recursive=True))
            for f in files:
                py_compile.compile(f, doraise=True)
            module = importlib.import_module({{PythonLiteral.String(registration.Module)}})
            pydoc.render_doc(module)
            names = module.__all__
            answers = [getattr(module, name)() for name in names[:-2]]
            print(len(files) >= 3, len(names), answers[0], os.path.exists({{PythonLiteral.String(HostileTools.Evidence)}}))
            """);

        Assert.Equal($"True {set.Tools.Count} [\"{JsonEncodedText.Encode(HostileTools.Breakouts[0])}\"] False", result.Text);
        Assert.Equal(HostileTools.Breakouts.Length, received.Count);
        Assert.StartsWith("mcptools.evil_open_tmp_ipybox_injected", registration.Module);
        Assert.NotEqual(first.ToolName, first.FunctionName);
    }

    [Fact]
    public async Task Tools_whose_names_are_equal_after_NFKC_normalisation_are_both_callable()
    {
        // Python reads identifiers in NFKC form: "\ufb01nd" (with the fi ligature) is the name "find" to the parser.
        var set = new HostToolSet("lookalike", [
            new SchemaFunction("find", "plain", """{"type":"object","properties":{}}""", _ => "plain"),
            new SchemaFunction("\ufb01nd", "ligature", """{"type":"object","properties":{}}""", _ => "ligature"),
        ]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        var result = await Sandbox.ExecuteAsync("""
            import mcptools.lookalike as m
            print(m.__all__, [getattr(m, name)() for name in m.__all__])
            """);

        Assert.Equal(["find", "find_2"], registration.Functions.Select(f => f.FunctionName));
        Assert.Equal("['find', 'find_2'] ['plain', 'ligature']", result.Text);
    }

    [Fact]
    public async Task Defaults_and_arguments_beyond_what_JSON_or_Python_can_carry_fail_one_call_and_the_next_call_works()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var set = new HostToolSet("extremes", [
            new SchemaFunction(
                "measure",
                "Echoes its arguments.",
                $$"""
                {
                  "type": "object",
                  "properties": {
                    "limit": { "type": "number", "default": 1e309 },
                    "big": { "type": "integer", "default": 79228162514264337593543950336 },
                    "deep": { "type": "array", "default": {{deep}} },
                    "x": { "type": "integer" }
                  }
                }
                """,
                arguments => JsonSerializer.Serialize(arguments.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary())),
            new SchemaFunction("huge", "An integer of 5001 digits.", """{"type":"object","properties":{}}""", _ => JsonDocument.Parse("1" + new string('0', 5000)).RootElement.Clone()),
            new SchemaFunction(
                "nested",
                "Lists nested as deep as asked.",
                """{"type":"object","properties":{"depth":{"type":"integer"}},"required":["depth"]}""",
                arguments =>
                {
                    var depth = ((JsonElement)arguments["depth"]!).GetInt32();
                    return JsonDocument.Parse(new string('[', depth) + new string(']', depth), new JsonDocumentOptions { MaxDepth = 1000 }).RootElement.Clone();
                }),
        ]);
        using var registration = await Sandbox.AddHostToolsAsync(set, s_approveAll);

        var result = await Sandbox.ExecuteAsync("""
            from mcptools.extremes import measure, huge, nested, ToolError
            def attempt(f, **kwargs):
                try:
                    return f(**kwargs)
                except ToolError as error:
                    return type(error).__name__ + ': ' + str(error)
            deep = []
            for _ in range(70):
                deep = [deep]
            print(measure())
            print(attempt(measure, limit=float('inf')))
            print(attempt(measure, limit=float('nan')))
            print(attempt(measure, deep=deep))
            print(attempt(measure, x=10**5000))
            print(measure(x=2**96 + 1))
            print(attempt(huge), measure(x=3))
            print(attempt(nested, depth=65), measure(x=4))
            print(str(nested(depth=64)).count('['), measure(x=5))
            """);

        var lines = result.Text!.Split('\n');
        Assert.Equal("""{"big":79228162514264337593543950336}""", lines[0]);
        Assert.StartsWith("ToolBridgeError: the arguments of measure cannot be sent", lines[1]);
        Assert.Contains("finite", lines[1]);
        Assert.Contains("finite", lines[2]);
        Assert.Contains("nested more than 64 levels deep", lines[3]);
        Assert.Contains("4300 digits", lines[4]);
        Assert.Equal("""{"big":79228162514264337593543950336,"x":79228162514264337593543950337}""", lines[5]);
        Assert.Equal(
            """ToolBridgeError: The result of huge cannot be delivered: it holds an integer of 5001 digits; Python reads at most 4300. {"big":79228162514264337593543950336,"x":3}""",
            lines[6]);
        Assert.Equal(
            """ToolBridgeError: The result of nested cannot be delivered: it is nested more than 64 levels deep. {"big":79228162514264337593543950336,"x":4}""",
            lines[7]);
        Assert.Equal("""64 {"big":79228162514264337593543950336,"x":5}""", lines[8]);
        Assert.Equal(9, lines.Length);
    }

    private sealed record Report(int Count, int[] Items, Dictionary<string, bool> Flags);
}
