// SPDX-License-Identifier: Apache-2.0
// An ACP client over @agentclientprotocol/sdk that drives an agent command
// through a script and prints one JSON summary on stdout.
//   node sdk-client.mjs SCRIPT CWD -- AGENT_CMD [ARGS...]
// SCRIPT is a comma list of steps:
//   new                  session/new (cwd CWD)
//   load:ID|load         session/load of ID (or of the last new session)
//   prompt:TEXT          session/prompt, waits for the stop reason
//   cancel:TEXT          session/prompt, then session/cancel after the first update
//   mode:ID              session/set_mode
//   deny                 answer later permission requests with reject
// The summary: {init, sessions, results: [{step, stopReason|error, ms,
// updates: [kinds], text, tools: [{id, status, title}]}], permissions: [...]}.
import { spawn } from "node:child_process";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";

const argv = process.argv.slice(2);
const [script, cwd] = argv;
const agent = argv.slice(argv.indexOf("--") + 1);
const child = spawn(agent[0], agent.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
const summary = { init: null, sessions: [], results: [], permissions: [] };
let current = null, allow = true, onFirstUpdate = null;

const conn = new acp.ClientSideConnection(() => ({
  async requestPermission(p) {
    summary.permissions.push({ toolCallId: p.toolCall.toolCallId, title: p.toolCall.title,
                               options: p.options.map((o) => o.kind) });
    const want = allow ? "allow_once" : "reject_once";
    return { outcome: { outcome: "selected", optionId: p.options.find((o) => o.kind === want).optionId } };
  },
  async sessionUpdate(n) {
    if (!current) return;
    const u = n.update;
    current.updates.push(u.sessionUpdate);
    if (u.sessionUpdate === "agent_message_chunk" || u.sessionUpdate === "user_message_chunk")
      current.text += (u.sessionUpdate === "user_message_chunk" ? "[user] " : "") + (u.content.text ?? "");
    if (u.sessionUpdate === "tool_call") current.tools.push({ id: u.toolCallId, status: u.status, title: u.title });
    if (u.sessionUpdate === "tool_call_update") {
      const t = current.tools.find((x) => x.id === u.toolCallId);
      if (t && u.status) t.status = u.status;
    }
    if (u.sessionUpdate === "usage_update") current.usage = { used: u.used, size: u.size };
    if (onFirstUpdate) { const f = onFirstUpdate; onFirstUpdate = null; f(); }
  },
  async readTextFile(p) { return { content: "" }; },
  async writeTextFile(p) { return {}; },
}), acp.ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout)));

function step(name) { current = { step: name, updates: [], text: "", tools: [] }; summary.results.push(current); return current; }

try {
  summary.init = await conn.initialize({ protocolVersion: acp.PROTOCOL_VERSION,
    clientCapabilities: { fs: { readTextFile: false, writeTextFile: false } }, clientInfo: { name: "sdk-client", version: "1" } });
  let sid = null;
  for (const s of script.split(",")) {
    const [op, ...rest] = s.split(":"); const arg = rest.join(":");
    const r = step(s), t0 = Date.now();
    try {
      if (op === "new") {
        const res = await conn.newSession({ cwd, mcpServers: [] });
        sid = res.sessionId; summary.sessions.push(sid); r.modes = res.modes;
      } else if (op === "load") {
        await conn.loadSession({ sessionId: arg || sid, cwd, mcpServers: [] }); sid = arg || sid;
      } else if (op === "prompt") {
        const res = await conn.prompt({ sessionId: sid, prompt: [{ type: "text", text: arg }] });
        r.stopReason = res.stopReason; r.meta = res._meta;
      } else if (op === "cancel") {
        let cancelledAt = 0;
        onFirstUpdate = () => { cancelledAt = Date.now(); conn.cancel({ sessionId: sid }); };
        const res = await conn.prompt({ sessionId: sid, prompt: [{ type: "text", text: arg }] });
        r.stopReason = res.stopReason; r.cancelMs = Date.now() - cancelledAt;
      } else if (op === "mode") {
        await conn.setSessionMode({ sessionId: sid, modeId: arg });
      } else if (op === "deny") {
        allow = false;
      }
    } catch (e) { r.error = { code: e.code, message: e.message, data: e.data }; }
    r.ms = Date.now() - t0;
  }
} catch (e) { summary.fatal = String(e?.message ?? e); }
current = null;
console.log(JSON.stringify(summary));
child.stdin.end();
setTimeout(() => { child.kill(); process.exit(0); }, 3000).unref();
child.on("exit", () => process.exit(0));
