#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The orchestrator (specwright run) against a scripted ACP agent that
# answers at once (tests/acp/task-agent.py):
#   1. overhead per task beyond the agent's own time, TASKS independent
#      tasks one at a time (goal: under 2 ms);
#   2. speedup with tasks whose turn takes a fixed 200 ms, at a cap of
#      N = 1, 2, 4, 8, 16 (goal: at least 0.9 N);
#   3. the orchestrator's peak RSS during the TASKS run.
# The agent's own time is measured in the same run: one process of the same
# agent driven through a session and a prompt per task by a bare client.
#
#   bench/run.sh                 TASKS=1000
#   TASKS=200 bench/run.sh       a quicker run
#
# Not a test: it prints numbers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SPECWRIGHT=${SPECWRIGHT:-$top/build/specwright}
TASKS=${TASKS:-1000}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
work=$(mktemp -d "${TMPDIR:-/tmp}/sw-bench-run.XXXXXX")
trap 'rm -rf "$work"' EXIT

exec "$PY" - "$SPECWRIGHT" "$TASKS" "$work" "$top/tests/acp/task-agent.py" "$PY" <<'PY'
import json, os, subprocess, sys, time

sw, ntasks, work, agent, py = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

def workspace(name, n):
    d = os.path.join(work, name)
    spec = os.path.join(d, ".kiro", "specs", "bench")
    os.makedirs(spec)
    ids = [str(i) for i in range(1, n + 1)]
    with open(os.path.join(spec, "tasks.md"), "w") as f:
        f.write("# Plan\n\n")
        for i in ids:
            f.write("- [ ] %s. task %s\n" % (i, i))
        f.write("\n## Task Dependency Graph\n\n```json\n")
        f.write(json.dumps({"waves": [{"id": 0, "tasks": ids}]}))
        f.write("\n```\n")
    return d

def peak_rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def run(d, cap, delay_ms):
    env = dict(os.environ, TASK_AGENT_DELAY_MS=str(delay_ms))
    t0 = time.monotonic()
    p = subprocess.Popen([sw, "-C", d, "run", "bench", "--parallel", str(cap), "--max-retries", "0",
                          "--agent-cmd", "%s %s" % (py, agent)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env)
    rss = 0
    while p.poll() is None:
        rss = max(rss, peak_rss_kb(p.pid))
        time.sleep(0.05)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("run failed: %s" % p.stderr.read().decode(errors="replace")[-2000:])
    return wall, rss

def agent_alone(n, delay_ms):
    """One agent process driven by a bare client through n sessions of one prompt each:
    the agent's own time per task when it serves task after task (as the run's agents do)."""
    env = dict(os.environ, TASK_AGENT_DELAY_MS=str(delay_ms))
    d = os.path.join(work, "alone")
    os.makedirs(d, exist_ok=True)
    p = subprocess.Popen([py, agent], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=d)
    def ask(msg):
        p.stdin.write((json.dumps(msg) + "\n").encode())
        p.stdin.flush()
        while True:
            r = json.loads(p.stdout.readline())
            if r.get("id") == msg["id"]:
                return r
    ask({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": 1}})
    t0 = time.monotonic()
    for i in range(n):
        ask({"jsonrpc": "2.0", "id": 2 * i + 1, "method": "session/new", "params": {"cwd": d, "mcpServers": []}})
        ask({"jsonrpc": "2.0", "id": 2 * i + 2, "method": "session/prompt",
             "params": {"sessionId": "s", "prompt": [{"type": "text", "text": "# Task %d of the spec 'bench'" % i}]}})
    per = (time.monotonic() - t0) / n
    p.stdin.close()
    p.wait()
    return per

# 1. overhead per task
d = workspace("overhead", ntasks)
alone = agent_alone(ntasks, 0)
wall, rss = run(d, 1, 0)
per_task = wall / ntasks
overhead_ms = (per_task - alone) * 1000
print("overhead: %d tasks one at a time in %.1f s: %.1f ms a task; the agent alone %.2f ms a task;"
      " orchestration %.2f ms a task (goal < 2 ms: %s)" %
      (ntasks, wall, per_task * 1000, alone * 1000, overhead_ms, "met" if overhead_ms < 2 else "not met"))
print("memory: orchestrator peak RSS %.1f MB at %d tasks" % (rss / 1024.0, ntasks))

# 2. speedup with 200 ms turns
n = 32
base = None
rows = []
for cap in (1, 2, 4, 8, 16):
    wall, _ = run(workspace("speed%d" % cap, n), cap, 200)
    base = base or wall
    speedup = base / wall
    rows.append((cap, wall, speedup))
    print("speedup: N=%-2d %d tasks of 200 ms in %.2f s: %.2fx (goal >= %.1fx: %s)" %
          (cap, n, wall, speedup, 0.9 * cap, "met" if speedup >= 0.9 * cap else "not met"))
PY
