#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Scripted model server: the one stand-in the tests use for a language model.

It speaks the providers' real wire formats on 127.0.0.1 and replays a script,
so a test can drive the real specwright binary through a whole agent turn and
then check, byte for byte, what the binary sent.  Python 3 standard library
only.  A test fixture: nothing in the product ever points at it by default.

Usage:
    server.py --script SCRIPT.json --dir OUTDIR [--port N]

It listens on 127.0.0.1 (port 0 = an ephemeral one), writes the port number
to OUTDIR/port once it is accepting connections, and appends:
    OUTDIR/requests.ndjson  one JSON object per request received:
                            {"n", "method", "path", "headers": {lowercase: value},
                             "body": "<raw text>", "step": index or null}
    OUTDIR/failures.txt     one line per failed assertion or unexpected request
    OUTDIR/consumed         the number of script steps used so far
It exits on SIGTERM/SIGINT.  `server.py --check OUTDIR --steps N` exits 1 and
prints the failures when any assertion failed or fewer than N steps were used.

Routes (format chosen by the path; streaming by the request's "stream" flag):
    POST /v1/messages                     Anthropic Messages (JSON or SSE)
    POST /v1/chat/completions             OpenAI chat completions (JSON or SSE
                                          "data:" chunks, tool_calls deltas,
                                          usage chunk when stream_options.include_usage,
                                          "data: [DONE]")
    POST /model/<id>/converse             Bedrock Converse (JSON)
    POST /model/<id>/converse-stream      Bedrock ConverseStream
                                          (application/vnd.amazon.eventstream)
    POST /v1/embeddings                   OpenAI embeddings; deterministic
                                          hashed bag-of-words vectors, L2-normalised
                                          (64 dimensions unless "dimensions" is sent)
A path prefix before these (e.g. /openai/v1/chat/completions) is accepted.

Script (JSON):
    {"steps": [STEP, ...], "embeddings": [STEP, ...]}
Each chat request consumes the next STEP; embeddings requests consume the
"embeddings" list first and are answered by the generator once it is empty.
When the steps run out the server answers 500 and records a failure.
STEP = {"expect": {...}, "respond": {...}}
  expect (all optional; every failure is recorded and the response becomes
  HTTP 599 with the failures in the body, so the client fails loudly):
    "path": exact path, "method", "model", "stream": true|false,
    "headers": {name: exact value}, "headers_match": {name: regex},
    "headers_absent": [name], "contains": [substring of the raw body],
    "not_contains": [substring], "system_contains": [substring of the
    system prompt], "tools": [tool names that must be offered],
    "tools_absent": [names], "no_tools": true, "tool_result_contains":
    [substring found in the tool results of the request], "tool_result_is_error": bool,
    "messages_min": N (at least N messages), "messages_max": N,
    "last_user_contains": [substring of the last user text]
  respond:
    "status" (200), "headers": {name: value}, "body": raw text or JSON
    (sent as is; for errors), "delay_ms" before answering, "hang": true
    (send nothing more until the client goes away; with "stream" the
    headers and "events_before_hang" events go first), "text", "thinking",
    "tool_calls": [{"id", "name", "input"}], "stop": "end_turn" |
    "tool_use" | "max_tokens" (default tool_use when tool_calls, else
    end_turn), "usage": {"input", "output", "cache_read", "cache_write"},
    "chunk": characters per text delta (default 8), "stream_error":
    {"type", "message"} (an error event after the content, Anthropic),
    "close_early": true (streaming: drop the connection before the final events)
"""
import argparse
import hashlib
import json
import math
import os
import re
import select
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, script, outdir):
        self.steps = script.get("steps", [])
        self.emb_steps = script.get("embeddings", [])
        self.next = 0
        self.emb_next = 0
        self.n = 0
        self.outdir = outdir
        self.lock = threading.Lock()
        open(os.path.join(outdir, "failures.txt"), "a").close()
        open(os.path.join(outdir, "requests.ndjson"), "a").close()
        self.write_consumed()

    def write_consumed(self):
        path = os.path.join(self.outdir, "consumed")
        with open(path + ".tmp", "w") as f:
            f.write("%d\n" % self.next)
        os.replace(path + ".tmp", path)

    def fail(self, msg):
        with open(os.path.join(self.outdir, "failures.txt"), "a") as f:
            f.write(msg.replace("\n", " ") + "\n")
        sys.stderr.write("model-server: FAIL: %s\n" % msg)

    def record(self, entry):
        with open(os.path.join(self.outdir, "requests.ndjson"), "a") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")


STATE = None


# --- what a request carries, per format -------------------------------------

def req_format(path):
    if path.endswith("/v1/messages"):
        return "anthropic"
    if path.endswith("/chat/completions"):
        return "openai"
    if path.endswith("/embeddings"):
        return "embeddings"
    m = re.search(r"/model/([^/]+)/(converse|converse-stream)$", path)
    if m:
        return "bedrock-stream" if m.group(2) == "converse-stream" else "bedrock"
    return None


def text_of(content):
    """All text inside an Anthropic/OpenAI/Bedrock content value."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(text_of(c) for c in content)
    if isinstance(content, dict):
        parts = []
        for k in ("text", "content", "json"):
            if k in content:
                v = content[k]
                parts.append(v if isinstance(v, str) else text_of(v) if not isinstance(v, dict) or k != "json" else json.dumps(v))
        if "toolResult" in content:
            parts.append(text_of(content["toolResult"]))
        return "\n".join(parts)
    return str(content)


def analyse(fmt, body):
    """Returns (system, tools, messages, tool_results, last_user)."""
    system, tools, tool_results, last_user = "", [], [], ""
    messages = body.get("messages", []) or []
    if fmt == "anthropic":
        system = text_of(body.get("system"))
        tools = [t.get("name") for t in body.get("tools", []) or []]
        for m in messages:
            c = m.get("content")
            if m.get("role") == "user":
                if isinstance(c, list):
                    for b in c:
                        if isinstance(b, dict) and b.get("type") == "tool_result":
                            tool_results.append((text_of(b.get("content")), bool(b.get("is_error"))))
                    t = "\n".join(b.get("text", "") for b in c if isinstance(b, dict) and b.get("type") == "text")
                    if t:
                        last_user = t
                else:
                    last_user = text_of(c)
    elif fmt == "openai":
        tools = [t.get("function", {}).get("name") for t in body.get("tools", []) or []]
        for m in messages:
            role = m.get("role")
            if role in ("system", "developer"):
                system += text_of(m.get("content")) + "\n"
            elif role == "tool":
                tool_results.append((text_of(m.get("content")), False))
            elif role == "user":
                last_user = text_of(m.get("content"))
    elif fmt in ("bedrock", "bedrock-stream"):
        system = text_of(body.get("system"))
        tools = [t.get("toolSpec", {}).get("name") for t in (body.get("toolConfig") or {}).get("tools", [])]
        for m in messages:
            if m.get("role") == "user":
                texts = []
                for b in m.get("content", []):
                    if "toolResult" in b:
                        tr = b["toolResult"]
                        tool_results.append((text_of(tr.get("content")), tr.get("status") == "error"))
                    elif "text" in b:
                        texts.append(b["text"])
                if texts:
                    last_user = "\n".join(texts)
    return system, tools, messages, tool_results, last_user


def check_expect(exp, method, path, headers, raw, body, fmt):
    fails = []
    if not exp:
        return fails
    if "path" in exp and exp["path"] != path:
        fails.append("path: expected %r, got %r" % (exp["path"], path))
    if "method" in exp and exp["method"] != method:
        fails.append("method: expected %r, got %r" % (exp["method"], method))
    if "model" in exp and body.get("model") != exp["model"] and exp["model"] not in path:
        fails.append("model: expected %r, got %r" % (exp["model"], body.get("model")))
    if "stream" in exp:
        streaming = bool(body.get("stream")) or fmt == "bedrock-stream"
        if streaming != bool(exp["stream"]):
            fails.append("stream: expected %r, got %r" % (exp["stream"], streaming))
    for k, v in (exp.get("headers") or {}).items():
        if headers.get(k.lower()) != v:
            fails.append("header %s: expected %r, got %r" % (k, v, headers.get(k.lower())))
    for k, v in (exp.get("headers_match") or {}).items():
        got = headers.get(k.lower())
        if got is None or not re.search(v, got):
            fails.append("header %s: expected /%s/, got %r" % (k, v, got))
    for k in exp.get("headers_absent") or []:
        if k.lower() in headers:
            fails.append("header %s: expected absent" % k)
    for s in exp.get("contains") or []:
        if s not in raw:
            fails.append("body does not contain %r" % s)
    for s in exp.get("not_contains") or []:
        if s in raw:
            fails.append("body contains %r" % s)
    system, tools, messages, tool_results, last_user = analyse(fmt, body)
    for s in exp.get("system_contains") or []:
        if s not in system:
            fails.append("system prompt does not contain %r" % s)
    for t in exp.get("tools") or []:
        if t not in tools:
            fails.append("tool %r not offered (offered: %s)" % (t, ", ".join(map(str, tools))))
    for t in exp.get("tools_absent") or []:
        if t in tools:
            fails.append("tool %r offered" % t)
    if exp.get("no_tools") and tools:
        fails.append("tools offered: %s" % ", ".join(map(str, tools)))
    for s in exp.get("tool_result_contains") or []:
        if not any(s in tr for tr, _ in tool_results):
            fails.append("no tool result contains %r (results: %r)" % (s, [tr[:200] for tr, _ in tool_results]))
    if "tool_result_is_error" in exp:
        if not tool_results or tool_results[-1][1] != bool(exp["tool_result_is_error"]):
            fails.append("last tool result is_error: expected %r" % exp["tool_result_is_error"])
    if "messages_min" in exp and len(messages) < exp["messages_min"]:
        fails.append("messages: expected at least %d, got %d" % (exp["messages_min"], len(messages)))
    if "messages_max" in exp and len(messages) > exp["messages_max"]:
        fails.append("messages: expected at most %d, got %d" % (exp["messages_max"], len(messages)))
    for s in exp.get("last_user_contains") or []:
        if s not in last_user:
            fails.append("last user message does not contain %r" % s)
    return fails


# --- responses ---------------------------------------------------------------

def usage_of(r):
    u = r.get("usage") or {}
    return (int(u.get("input", 10)), int(u.get("output", 5)),
            int(u.get("cache_read", 0)), int(u.get("cache_write", 0)))


def stop_of(r):
    if r.get("stop"):
        return r["stop"]
    return "tool_use" if r.get("tool_calls") else "end_turn"


def chunks(s, n):
    n = max(1, int(n))
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


def anthropic_message(r, model):
    inp, out, cr, cw = usage_of(r)
    content = []
    if r.get("thinking"):
        content.append({"type": "thinking", "thinking": r["thinking"], "signature": "sig-test"})
    if r.get("text"):
        content.append({"type": "text", "text": r["text"]})
    for tc in r.get("tool_calls") or []:
        content.append({"type": "tool_use", "id": tc["id"], "name": tc["name"], "input": tc.get("input", {})})
    return {"id": "msg_test", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop_of(r), "stop_sequence": None,
            "usage": {"input_tokens": inp, "output_tokens": out,
                      "cache_creation_input_tokens": cw, "cache_read_input_tokens": cr}}


def anthropic_events(r, model):
    inp, out, cr, cw = usage_of(r)
    ev = []

    def add(name, obj):
        ev.append(("event: %s\ndata: %s\n\n" % (name, json.dumps(obj))).encode())

    add("message_start", {"type": "message_start", "message": {
        "id": "msg_test", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": inp, "cache_creation_input_tokens": cw,
                  "cache_read_input_tokens": cr, "output_tokens": 1}}})
    ev.append(b"event: ping\ndata: {\"type\": \"ping\"}\n\n")
    idx = 0
    if r.get("thinking"):
        add("content_block_start", {"type": "content_block_start", "index": idx,
                                    "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
        for c in chunks(r["thinking"], r.get("chunk", 8)):
            add("content_block_delta", {"type": "content_block_delta", "index": idx,
                                        "delta": {"type": "thinking_delta", "thinking": c}})
        add("content_block_delta", {"type": "content_block_delta", "index": idx,
                                    "delta": {"type": "signature_delta", "signature": "sig-test"}})
        add("content_block_stop", {"type": "content_block_stop", "index": idx})
        idx += 1
    if r.get("text"):
        add("content_block_start", {"type": "content_block_start", "index": idx,
                                    "content_block": {"type": "text", "text": ""}})
        for c in chunks(r["text"], r.get("chunk", 8)):
            add("content_block_delta", {"type": "content_block_delta", "index": idx,
                                        "delta": {"type": "text_delta", "text": c}})
        add("content_block_stop", {"type": "content_block_stop", "index": idx})
        idx += 1
    for tc in r.get("tool_calls") or []:
        add("content_block_start", {"type": "content_block_start", "index": idx,
                                    "content_block": {"type": "tool_use", "id": tc["id"], "name": tc["name"], "input": {}}})
        js = json.dumps(tc.get("input", {}))
        add("content_block_delta", {"type": "content_block_delta", "index": idx,
                                    "delta": {"type": "input_json_delta", "partial_json": ""}})
        for c in chunks(js, 7):
            add("content_block_delta", {"type": "content_block_delta", "index": idx,
                                        "delta": {"type": "input_json_delta", "partial_json": c}})
        add("content_block_stop", {"type": "content_block_stop", "index": idx})
        idx += 1
    tail = []
    if r.get("stream_error"):
        e = r["stream_error"]
        tail.append(("event: error\ndata: %s\n\n" % json.dumps(
            {"type": "error", "error": {"type": e.get("type", "overloaded_error"),
                                        "message": e.get("message", "Overloaded")}})).encode())
        return ev, tail
    t = []
    t.append(("event: message_delta\ndata: %s\n\n" % json.dumps(
        {"type": "message_delta", "delta": {"stop_reason": stop_of(r), "stop_sequence": None},
         "usage": {"output_tokens": out}})).encode())
    t.append(b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
    return ev, t


OPENAI_FINISH = {"end_turn": "stop", "tool_use": "tool_calls", "max_tokens": "length"}


def openai_usage(r):
    inp, out, cr, cw = usage_of(r)
    return {"prompt_tokens": inp + cr, "completion_tokens": out, "total_tokens": inp + cr + out,
            "prompt_tokens_details": {"cached_tokens": cr}}


def openai_message(r, model):
    msg = {"role": "assistant", "content": r.get("text") if r.get("text") else None}
    if r.get("tool_calls"):
        msg["tool_calls"] = [{"id": tc["id"], "type": "function",
                              "function": {"name": tc["name"], "arguments": json.dumps(tc.get("input", {}))}}
                             for tc in r["tool_calls"]]
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000, "model": model,
            "choices": [{"index": 0, "message": msg, "finish_reason": OPENAI_FINISH.get(stop_of(r), stop_of(r))}],
            "usage": openai_usage(r)}


def openai_events(r, model, include_usage):
    ev = []

    def add(delta, finish=None, choices=True, usage=None):
        obj = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if choices else []}
        if usage is not None:
            obj["usage"] = usage
        ev.append(("data: %s\n\n" % json.dumps(obj)).encode())

    add({"role": "assistant", "content": ""})
    if r.get("text"):
        for c in chunks(r["text"], r.get("chunk", 8)):
            add({"content": c})
    for i, tc in enumerate(r.get("tool_calls") or []):
        add({"tool_calls": [{"index": i, "id": tc["id"], "type": "function",
                             "function": {"name": tc["name"], "arguments": ""}}]})
        for c in chunks(json.dumps(tc.get("input", {})), 7):
            add({"tool_calls": [{"index": i, "function": {"arguments": c}}]})
    body = ev
    tail = []
    ev = tail
    add({}, finish=OPENAI_FINISH.get(stop_of(r), stop_of(r)))
    if include_usage:
        add(None, choices=False, usage=openai_usage(r))
    tail.append(b"data: [DONE]\n\n")
    return body, tail


def bedrock_message(r):
    inp, out, cr, cw = usage_of(r)
    content = []
    if r.get("text"):
        content.append({"text": r["text"]})
    for tc in r.get("tool_calls") or []:
        content.append({"toolUse": {"toolUseId": tc["id"], "name": tc["name"], "input": tc.get("input", {})}})
    return {"output": {"message": {"role": "assistant", "content": content}},
            "stopReason": stop_of(r),
            "usage": {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out,
                      "cacheReadInputTokens": cr, "cacheWriteInputTokens": cw},
            "metrics": {"latencyMs": 1}}


def eventstream_frame(event_type, payload):
    """One application/vnd.amazon.eventstream message."""
    def hdr(name, value):
        n = name.encode()
        v = value.encode()
        return struct.pack("B", len(n)) + n + b"\x07" + struct.pack(">H", len(v)) + v
    headers = hdr(":event-type", event_type) + hdr(":content-type", "application/json") + hdr(":message-type", "event")
    body = json.dumps(payload).encode()
    total = 12 + len(headers) + len(body) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xffffffff)
    msg = prelude + headers + body
    return msg + struct.pack(">I", zlib.crc32(msg) & 0xffffffff)


def bedrock_events(r):
    inp, out, cr, cw = usage_of(r)
    ev = [eventstream_frame("messageStart", {"role": "assistant", "p": "x"})]
    idx = 0
    if r.get("text"):
        for c in chunks(r["text"], r.get("chunk", 8)):
            ev.append(eventstream_frame("contentBlockDelta", {"contentBlockIndex": idx, "delta": {"text": c}}))
        ev.append(eventstream_frame("contentBlockStop", {"contentBlockIndex": idx}))
        idx += 1
    for tc in r.get("tool_calls") or []:
        ev.append(eventstream_frame("contentBlockStart", {"contentBlockIndex": idx, "start": {
            "toolUse": {"toolUseId": tc["id"], "name": tc["name"]}}}))
        for c in chunks(json.dumps(tc.get("input", {})), 7):
            ev.append(eventstream_frame("contentBlockDelta", {"contentBlockIndex": idx, "delta": {"toolUse": {"input": c}}}))
        ev.append(eventstream_frame("contentBlockStop", {"contentBlockIndex": idx}))
        idx += 1
    tail = [eventstream_frame("messageStop", {"stopReason": stop_of(r)}),
            eventstream_frame("metadata", {"usage": {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out,
                                                     "cacheReadInputTokens": cr, "cacheWriteInputTokens": cw},
                                           "metrics": {"latencyMs": 1}})]
    return ev, tail


def embed(text, dims):
    v = [0.0] * dims
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        h = hashlib.sha256(w.encode()).digest()
        i = int.from_bytes(h[:4], "big") % dims
        v[i] += 1.0 if h[4] & 1 else -1.0
    n = math.sqrt(sum(x * x for x in v))
    if n == 0:
        v[0] = 1.0
        n = 1.0
    return [round(x / n, 6) for x in v]


# --- the handler --------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "model-server/1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, obj, extra=None):
        data = obj if isinstance(obj, bytes) else (obj if isinstance(obj, str) else json.dumps(obj)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def wait_for_close(self, limit=120):
        """Holds the connection open until the client goes away."""
        self.close_connection = True
        end = time.time() + limit
        try:
            self.wfile.flush()
            while time.time() < end:
                r, _, _ = select.select([self.connection], [], [], 0.2)
                if r:
                    if not self.connection.recv(4096):
                        return
        except OSError:
            return

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        st = STATE
        n_len = int(self.headers.get("Content-Length") or 0)
        raw_b = self.rfile.read(n_len) if n_len else b""
        raw = raw_b.decode("utf-8", "replace")
        path = self.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        fmt = req_format(path)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        with st.lock:
            st.n += 1
            n = st.n
            step = None
            idx = None
            if fmt == "embeddings":
                if st.emb_next < len(st.emb_steps):
                    idx = "e%d" % st.emb_next
                    step = st.emb_steps[st.emb_next]
                    st.emb_next += 1
            elif st.next < len(st.steps):
                idx = st.next
                step = st.steps[st.next]
                st.next += 1
                st.write_consumed()
            st.record({"n": n, "method": method, "path": self.path, "headers": headers, "body": raw, "step": idx})
        if fmt is None:
            st.fail("request %d: unknown path %s" % (n, self.path))
            return self.send_json(404, {"error": "unknown path"})
        if fmt == "embeddings" and step is None:
            inputs = body.get("input", "")
            if isinstance(inputs, str):
                inputs = [inputs]
            dims = int(body.get("dimensions") or 64)
            data = [{"object": "embedding", "index": i, "embedding": embed(t, dims)} for i, t in enumerate(inputs)]
            toks = sum(len(t.split()) for t in inputs)
            return self.send_json(200, {"object": "list", "data": data, "model": body.get("model", "test-embed"),
                                        "usage": {"prompt_tokens": toks, "total_tokens": toks}})
        if step is None:
            st.fail("request %d: script exhausted (%s %s)" % (n, method, path))
            return self.send_json(500, {"error": {"type": "api_error", "message": "model-server: script exhausted"}})
        fails = check_expect(step.get("expect"), method, path, headers, raw, body, fmt)
        for f in fails:
            st.fail("step %s (request %d): %s" % (idx, n, f))
        if fails:
            return self.send_json(599, {"type": "error", "error": {"type": "model_server_assertion",
                                                                   "message": "; ".join(fails)}})
        r = step.get("respond") or {}
        if r.get("delay_ms"):
            time.sleep(r["delay_ms"] / 1000.0)
        status = int(r.get("status", 200))
        streaming = bool(body.get("stream")) or fmt == "bedrock-stream"
        if r.get("hang") and not streaming:
            return self.wait_for_close()
        if "body" in r or status != 200:
            b = r.get("body", {"type": "error", "error": {"type": "api_error", "message": "scripted error"}})
            return self.send_json(status, b if isinstance(b, str) else json.dumps(b), r.get("headers"))
        model = body.get("model") or "test-model"
        if not streaming:
            if fmt == "anthropic":
                obj = anthropic_message(r, model)
            elif fmt == "openai":
                obj = openai_message(r, model)
            else:
                obj = bedrock_message(r)
            return self.send_json(200, obj, r.get("headers"))
        if fmt == "anthropic":
            ev, tail = anthropic_events(r, model)
            ctype = "text/event-stream"
        elif fmt == "openai":
            inc = bool((body.get("stream_options") or {}).get("include_usage"))
            ev, tail = openai_events(r, model, inc)
            ctype = "text/event-stream"
        else:
            ev, tail = bedrock_events(r)
            ctype = "application/vnd.amazon.eventstream"
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        for k, v in (r.get("headers") or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        try:
            if r.get("hang"):
                for e in ev[:int(r.get("events_before_hang", 0))]:
                    self.wfile.write(e)
                return self.wait_for_close()
            for e in ev:
                self.wfile.write(e)
                self.wfile.flush()
            if r.get("close_early"):
                return
            for e in tail:
                self.wfile.write(e)
            self.wfile.flush()
        except OSError:
            pass


def check(outdir, steps):
    bad = 0
    with open(os.path.join(outdir, "failures.txt")) as f:
        fails = f.read().strip()
    if fails:
        print("model-server assertions failed:\n" + fails)
        bad = 1
    with open(os.path.join(outdir, "consumed")) as f:
        used = int(f.read().strip() or 0)
    if steps is not None and used < steps:
        print("model-server: only %d of %d steps used" % (used, steps))
        bad = 1
    return bad


def main():
    ap = argparse.ArgumentParser(description="scripted model server (test fixture)")
    ap.add_argument("--script")
    ap.add_argument("--dir", required=False)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--check", metavar="OUTDIR")
    ap.add_argument("--steps", type=int)
    a = ap.parse_args()
    if a.check:
        sys.exit(check(a.check, a.steps))
    if not a.script or not a.dir:
        ap.error("--script and --dir are required")
    global STATE
    with open(a.script) as f:
        script = json.load(f)
    os.makedirs(a.dir, exist_ok=True)
    STATE = State(script, a.dir)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    tmp = os.path.join(a.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, os.path.join(a.dir, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
