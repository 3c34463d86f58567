// SPDX-License-Identifier: Apache-2.0
// A scripted ACP agent over @agentclientprotocol/sdk for the client tests.
// The first word of the prompt picks the script:
//   fs          read, write, and try paths outside the session directory
//   terminal    run a command in a client terminal and report its output
//   permission  a plan, a tool call that needs permission, usage
// Each result is reported as an agent_message_chunk line; the turn ends
// with end_turn.
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";

class ToolAgent {
  constructor(conn) { this.conn = conn; this.cwd = null; }
  async initialize() {
    return { protocolVersion: acp.PROTOCOL_VERSION, agentCapabilities: { loadSession: false },
             agentInfo: { name: "tool-agent", version: "1.0" } };
  }
  async newSession(p) { this.cwd = p.cwd; this.servers = p.mcpServers; return { sessionId: "sess-1" }; }
  async authenticate() { return {}; }
  async cancel() {}
  async say(sessionId, text) {
    await this.conn.sessionUpdate({ sessionId, update: { sessionUpdate: "agent_message_chunk",
      content: { type: "text", text: text + "\n" } } });
  }
  async attempt(sessionId, label, fn) {
    try { await this.say(sessionId, `${label}: ok ${JSON.stringify(await fn())}`); }
    catch (e) { await this.say(sessionId, `${label}: refused ${e.code ?? ""} ${JSON.stringify(e.data ?? e.message)}`); }
  }
  async prompt(p) {
    const sid = p.sessionId, text = p.prompt.map((b) => b.text ?? "").join(" ").trim();
    const word = text.split(/\s+/)[0];
    if (word === "fs") {
      await this.attempt(sid, "read", () => this.conn.readTextFile({ sessionId: sid, path: `${this.cwd}/notes.txt`, line: 2, limit: 1 }));
      await this.attempt(sid, "write", () => this.conn.writeTextFile({ sessionId: sid, path: `${this.cwd}/sub/out.txt`, content: "written by agent\n" }));
      await this.attempt(sid, "outside", () => this.conn.readTextFile({ sessionId: sid, path: "/etc/hostname" }));
      await this.attempt(sid, "traversal", () => this.conn.readTextFile({ sessionId: sid, path: `${this.cwd}/../secret.txt` }));
      await this.attempt(sid, "escape-write", () => this.conn.writeTextFile({ sessionId: sid, path: `${this.cwd}/link/evil.txt`, content: "x" }));
      await this.attempt(sid, "missing", () => this.conn.readTextFile({ sessionId: sid, path: `${this.cwd}/nope.txt` }));
    } else if (word === "terminal") {
      const t = await this.conn.createTerminal({ sessionId: sid, command: "sh", args: ["-c", "echo hello; echo $GREETING; exit 3"],
                                                 env: [{ name: "GREETING", value: "from-env" }], outputByteLimit: 1000 });
      const ex = await t.waitForExit();
      const out = await t.currentOutput();
      await t.release();
      await this.say(sid, `terminal: exit=${ex.exitCode} output=${JSON.stringify(out.output)} truncated=${out.truncated}`);
    } else if (word === "permission") {
      await this.conn.sessionUpdate({ sessionId: sid, update: { sessionUpdate: "plan", entries: [
        { content: "look", priority: "high", status: "completed" }, { content: "change", priority: "medium", status: "in_progress" }] } });
      await this.conn.sessionUpdate({ sessionId: sid, update: { sessionUpdate: "tool_call", toolCallId: "t1",
        title: "Run tests", kind: "execute", status: "pending", rawInput: { command: "make test" } } });
      const r = await this.conn.requestPermission({ sessionId: sid,
        toolCall: { toolCallId: "t1", title: "Run tests", kind: "execute", rawInput: { command: "make test" } },
        options: [{ optionId: "yes", name: "Allow", kind: "allow_once" }, { optionId: "no", name: "Reject", kind: "reject_once" }] });
      await this.conn.sessionUpdate({ sessionId: sid, update: { sessionUpdate: "tool_call_update", toolCallId: "t1",
        status: r.outcome.optionId === "yes" ? "completed" : "failed" } });
      await this.conn.sessionUpdate({ sessionId: sid, update: { sessionUpdate: "usage_update", used: 1234, size: 200000,
        cost: { amount: 0.01, currency: "USD" } } });
      await this.say(sid, `permission: ${JSON.stringify(r.outcome)}`);
    } else if (word === "servers") {
      await this.say(sid, `servers: ${JSON.stringify(this.servers)}`);
    } else {
      await this.say(sid, `unknown script '${word}'`);
    }
    return { stopReason: "end_turn" };
  }
}

const input = Writable.toWeb(process.stdout), output = Readable.toWeb(process.stdin);
new acp.AgentSideConnection((conn) => new ToolAgent(conn), acp.ndJsonStream(input, output));
