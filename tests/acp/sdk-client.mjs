// SPDX-License-Identifier: Apache-2.0
// An ACP client over @agentclientprotocol/sdk that drives an agent command
// through a script and prints one JSON summary on stdout.
//   node sdk-client.mjs [--caps fs,terminal] [--mcp FILE] [--log FILE] SCRIPT CWD -- AGENT_CMD [ARGS...]
// --caps      client capabilities to offer (default none): fs (readTextFile
//             and writeTextFile) and terminal, served for real inside CWD
// --mcp FILE  the mcpServers array (JSON) sent with session/new and load
// --log FILE  every fs/* and terminal/* request served is appended to FILE
//             as one JSON line {method, ...params}
// --cancel-on METHOD  a cancel:TEXT step cancels when the agent sends METHOD
//             (e.g. terminal/wait_for_exit) instead of after the first update
// --cancel-after MS  a cancel:TEXT step cancels MS milliseconds after the prompt
// SCRIPT is a comma list of steps:
//   new                  session/new (cwd CWD)
//   load:ID|load         session/load of ID (or of the last new session)
//   prompt:TEXT          session/prompt, waits for the stop reason
//   cancel:TEXT          session/prompt, then session/cancel after the first update
//   mode:ID              session/set_mode
//   deny                 answer later permission requests with reject
// The summary: {init, sessions, results: [{step, stopReason|error, ms,
// updates: [kinds], text, tools: [{id, status, title, content}]}],
// permissions: [...], commands: the last availableCommands}.
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";

const argv = process.argv.slice(2);
const opt = { caps: "", mcp: null, log: null, "cancel-on": null, "cancel-after": null };
while (argv[0]?.startsWith("--") && argv[0] !== "--") {
  const k = argv.shift().slice(2); opt[k] = argv.shift();
}
const [script, cwd] = argv;
const caps = opt.caps.split(",");
const mcpServers = opt.mcp ? JSON.parse(readFileSync(opt.mcp, "utf8")) : [];
let onMethod = null;
function log(method, params) {
  if (opt.log) appendFileSync(opt.log, JSON.stringify({ method, ...params }) + "\n");
  if (onMethod && method === opt["cancel-on"]) { const f = onMethod; onMethod = null; setTimeout(f, 50); }
}
function inside(p) {
  const r = resolve(p);
  if (r !== resolve(cwd) && !r.startsWith(resolve(cwd) + sep)) throw acp.RequestError.invalidParams({ path: p }, "outside the session directory");
  return r;
}
const terminals = new Map();
let nextTerminal = 1;
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
    const u = n.update;
    if (u.sessionUpdate === "available_commands_update") summary.commands = u.availableCommands;
    if (!current) return;
    current.updates.push(u.sessionUpdate);
    if (u.sessionUpdate === "agent_message_chunk" || u.sessionUpdate === "user_message_chunk")
      current.text += (u.sessionUpdate === "user_message_chunk" ? "[user] " : "") + (u.content.text ?? "");
    if (u.sessionUpdate === "tool_call")
      current.tools.push({ id: u.toolCallId, status: u.status, title: u.title, kind: u.kind, locations: u.locations });
    if (u.sessionUpdate === "tool_call_update") {
      const t = current.tools.find((x) => x.id === u.toolCallId);
      if (t && u.status) t.status = u.status;
      if (t && u.content) t.content = u.content;
    }
    if (u.sessionUpdate === "usage_update") current.usage = { used: u.used, size: u.size };
    if (onFirstUpdate) { const f = onFirstUpdate; onFirstUpdate = null; f(); }
  },
  async readTextFile(p) {
    log("fs/read_text_file", p);
    let text;
    try { text = readFileSync(inside(p.path), "utf8"); } catch (e) {
      if (e.code === "ENOENT") throw acp.RequestError.resourceNotFound(p.path);
      throw e;
    }
    if (p.line || p.limit) {
      const lines = text.split(/(?<=\n)/), from = (p.line ?? 1) - 1;
      text = lines.slice(from, p.limit ? from + p.limit : undefined).join("");
    }
    return { content: text };
  },
  async writeTextFile(p) {
    log("fs/write_text_file", p);
    const path = inside(p.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, p.content);
    return {};
  },
  async createTerminal(p) {
    log("terminal/create", p);
    const id = "term-" + nextTerminal++;
    const t = { output: "", exit: null, waiters: [] };
    const env = { ...process.env, ...Object.fromEntries((p.env ?? []).map((e) => [e.name, e.value])) };
    t.proc = spawn(p.command, p.args ?? [], { cwd: p.cwd ?? cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const add = (d) => { t.output += d; if (p.outputByteLimit && t.output.length > p.outputByteLimit) t.output = t.output.slice(-p.outputByteLimit); };
    t.proc.stdout.on("data", add); t.proc.stderr.on("data", add);
    t.proc.on("close", (code, signal) => { t.exit = { exitCode: code, signal }; t.waiters.forEach((w) => w(t.exit)); });
    t.proc.on("error", (e) => { t.output += String(e); t.exit = { exitCode: 127, signal: null }; t.waiters.forEach((w) => w(t.exit)); });
    terminals.set(id, t);
    return { terminalId: id };
  },
  async terminalOutput(p) {
    log("terminal/output", p);
    const t = terminals.get(p.terminalId);
    return { output: t.output, truncated: false, ...(t.exit ? { exitStatus: t.exit } : {}) };
  },
  async waitForTerminalExit(p) {
    log("terminal/wait_for_exit", p);
    const t = terminals.get(p.terminalId);
    return t.exit ?? await new Promise((r) => t.waiters.push(r));
  },
  async killTerminal(p) { log("terminal/kill", p); terminals.get(p.terminalId)?.proc.kill("SIGKILL"); return {}; },
  async releaseTerminal(p) {
    log("terminal/release", p);
    const t = terminals.get(p.terminalId);
    if (t && !t.exit) t.proc.kill("SIGKILL");
    terminals.delete(p.terminalId);
    return {};
  },
}), acp.ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout)));

function step(name) { current = { step: name, updates: [], text: "", tools: [] }; summary.results.push(current); return current; }

try {
  summary.init = await conn.initialize({ protocolVersion: acp.PROTOCOL_VERSION,
    clientCapabilities: { fs: { readTextFile: caps.includes("fs"), writeTextFile: caps.includes("fs") },
                          terminal: caps.includes("terminal") },
    clientInfo: { name: "sdk-client", version: "1" } });
  let sid = null;
  for (const s of script.split(",")) {
    const [op, ...rest] = s.split(":"); const arg = rest.join(":");
    const r = step(s), t0 = Date.now();
    try {
      if (op === "new") {
        const res = await conn.newSession({ cwd, mcpServers });
        sid = res.sessionId; summary.sessions.push(sid); r.modes = res.modes;
      } else if (op === "load") {
        await conn.loadSession({ sessionId: arg || sid, cwd, mcpServers }); sid = arg || sid;
      } else if (op === "prompt") {
        const res = await conn.prompt({ sessionId: sid, prompt: [{ type: "text", text: arg }] });
        r.stopReason = res.stopReason; r.meta = res._meta;
      } else if (op === "cancel") {
        let cancelledAt = 0;
        const doCancel = () => { cancelledAt = Date.now(); conn.cancel({ sessionId: sid }); };
        if (opt["cancel-on"]) onMethod = doCancel;
        else if (opt["cancel-after"]) setTimeout(doCancel, Number(opt["cancel-after"]));
        else onFirstUpdate = doCancel;
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
  current = null;
  // A last round trip: every notification sent before its answer has been handled.
  await conn.extMethod("_sdk-client/flush", {}).catch(() => {});
} catch (e) { summary.fatal = String(e?.message ?? e); }
current = null;
console.log(JSON.stringify(summary));
child.stdin.end();
setTimeout(() => { child.kill(); process.exit(0); }, 3000).unref();
child.on("exit", () => process.exit(0));
