// A client of `ipybox serve` written with the MCP TypeScript SDK: it connects over streamable HTTP with a bearer token,
// creates a sandbox, runs two cells that share state, lists its sandboxes, deletes the sandbox, and prints what it saw
// as one JSON object on stdout. Usage: node client.mjs <endpoint> (token in IPYBOX_TOKEN).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const endpoint = process.argv[2];
const token = process.env.IPYBOX_TOKEN;
if (!endpoint || !token) {
  console.error("usage: IPYBOX_TOKEN=<token> node client.mjs <endpoint>");
  process.exit(2);
}

const text = (result) => result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");

const transport = new StreamableHTTPClientTransport(new URL(endpoint), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "ipybox-node-test-client", version: "1.0.0" });
await client.connect(transport);

const report = { server: client.getServerVersion()?.name, protocolVersion: transport.protocolVersion };
report.tools = (await client.listTools()).tools.map((t) => t.name).sort();

const created = await client.callTool({ name: "create_sandbox", arguments: { metadata: { client: "node" } } });
const id = /[0-9a-f]{64}/.exec(text(created))?.[0];
if (!id) {
  throw new Error(`create_sandbox returned no id: ${text(created)}`);
}

report.sandboxId = id;
const first = await client.callTool({ name: "execute_ipython_cell", arguments: { sandbox_id: id, code: "x = 6 * 7\nprint(x)" } });
const second = await client.callTool({ name: "execute_ipython_cell", arguments: { sandbox_id: id, code: "print(x + 1)" } });
const failing = await client.callTool({ name: "execute_ipython_cell", arguments: { sandbox_id: id, code: "1 / 0" } });
report.cells = [text(first).trim(), text(second).trim()];
report.errorCell = { isError: failing.isError === true, text: text(failing) };
report.listed = JSON.parse(text(await client.callTool({ name: "list_sandboxes", arguments: {} }))).map((s) => s.id);
const deleted = await client.callTool({ name: "delete_sandbox", arguments: { sandbox_id: id } });
report.deleted = deleted.isError !== true;

await client.close();
console.log(JSON.stringify(report));
