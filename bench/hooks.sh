#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# bench/hooks.sh - file hooks against their peers, measured in the same run.
#
#   1. save -> command start latency: N saves of one file, one at a time;
#      each watcher runs "date +%s%N >>LOG"; latency = the command's clock
#      minus the save's clock, minus the watcher's debounce (p50, p99)
#   2. events lost in a burst: BURST new files written as fast as possible;
#      how many distinct files each watcher reported
#   3. setup: time until a tree of TREE_FILES files in TREE_DIRS directories
#      is watched, and the watcher's resident memory
#
# Peers (Debian packages, installed here when missing and apt-get works):
# watchman, entr, inotifywait (inotify-tools); watchexec when installable.
# Every tool gets the same debounce where it has one (specwright
# --debounce, watchman "settle", watchexec --debounce); entr and inotifywait
# have none, so nothing is subtracted for them.
#
# Environment: SPECWRIGHT (binary), N (saves, default 1000), DEBOUNCE (ms,
# default 50), BURST (default 10000), TREE_FILES (default 100000),
# TREE_DIRS (default 10000), BENCH_TMP (scratch folder).
# This is a benchmark, not a test: it prints numbers and never fails on them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SPECWRIGHT=${SPECWRIGHT:-$top/build/specwright}
export SPECWRIGHT N=${N:-1000} DEBOUNCE=${DEBOUNCE:-50} BURST=${BURST:-10000}
export TREE_FILES=${TREE_FILES:-100000} TREE_DIRS=${TREE_DIRS:-10000}

need=""
command -v watchman >/dev/null || need="$need watchman"
command -v entr >/dev/null || need="$need entr"
command -v inotifywait >/dev/null || need="$need inotify-tools"
if [ -n "$need" ] && command -v apt-get >/dev/null; then
	echo "installing:$need" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null 2>&1 ||
		echo "could not install:$need (those peers are skipped)" >&2
fi
if ! command -v watchexec >/dev/null && command -v apt-get >/dev/null; then
	if apt-cache show watchexec >/dev/null 2>&1; then
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q watchexec >/dev/null 2>&1 || :
	fi
fi
[ -x "$SPECWRIGHT" ] || { echo "bench/hooks.sh: build specwright first (make)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench/hooks.sh: needs python3 to drive the saves" >&2; exit 1; }

BENCH_TMP=${BENCH_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/sw-bench-hooks.XXXXXX")}
export BENCH_TMP
trap 'rm -rf "$BENCH_TMP"' EXIT

exec python3 - <<'PY'
import os, subprocess, sys, time, json, statistics, shutil, signal

SW = os.environ["SPECWRIGHT"]
N = int(os.environ["N"]); DEB = int(os.environ["DEBOUNCE"]); BURST = int(os.environ["BURST"])
TREE_FILES = int(os.environ["TREE_FILES"]); TREE_DIRS = int(os.environ["TREE_DIRS"])
TMP = os.environ["BENCH_TMP"]
CMD = "date +%s%N >>{log}"

def have(p): return shutil.which(p) is not None

def fresh(name):
    d = os.path.join(TMP, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d

def lines(path):
    try:
        with open(path) as f: return f.read().split()
    except FileNotFoundError: return []

def wait_lines(path, n, limit=10.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        l = lines(path)
        if len(l) >= n: return l
        time.sleep(0.0002)
    return None

def rss_kb(pid, key="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"): return int(line.split()[1])
    except OSError: pass
    return None

def pct(v, p):
    v = sorted(v); k = (len(v) - 1) * p / 100.0; i = int(k)
    return v[i] if i + 1 >= len(v) else v[i] + (v[i + 1] - v[i]) * (k - i)

def sw_workspace(d, trigger, pattern, command):
    os.makedirs(os.path.join(d, ".kiro", "hooks"), exist_ok=True)
    with open(os.path.join(d, ".kiro", "hooks", "b.kiro.hook"), "w") as f:
        json.dump({"name": "b", "version": "1", "when": {"type": trigger, "patterns": [pattern]},
                   "then": {"type": "runCommand", "command": command}}, f)

def start_sw(d, debounce):
    p = subprocess.Popen([SW, "-C", d, "hooks", "watch", "--foreground", "--debounce", str(debounce)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    p.stderr.readline()  # "watching ..." once ready
    return p

def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try: p.wait(10)
        except subprocess.TimeoutExpired: p.kill(); p.wait()

WM = None
def wm(*args, **kw):
    return subprocess.run(["watchman", "--sockname", WM + "/sock", "--statefile", WM + "/state",
                           "--logfile", WM + "/log", "--pidfile", WM + "/pid", "--no-save-state"] + list(args),
                          capture_output=True, text=True, timeout=kw.get("timeout", 120), input=kw.get("input"))

def wm_start():
    global WM
    WM = fresh("watchman-state")
    r = wm("get-pid")
    return json.loads(r.stdout)["pid"]

def wm_stop():
    if WM: wm("shutdown-server")

# ---- 1. latency ----------------------------------------------------------

def measure(name, debounce_sub, start, stopf, d, target, log):
    proc = start()
    time.sleep(0.5)
    # warm-up save: the first run can be slower (page cache, shell startup)
    with open(target, "a") as f: f.write("w\n")
    if wait_lines(log, 1) is None:
        stopf(proc); return {"tool": name, "error": "no command ran after a save"}
    time.sleep(0.2 + debounce_sub / 1000.0)
    base = len(lines(log)); lat = []; missed = 0; in_a_row = 0
    for i in range(N):
        t0 = time.time_ns()
        with open(target, "w") as f: f.write(f"{i}\n")
        got = wait_lines(log, base + 1, limit=2.0)
        if got is None:
            missed += 1; in_a_row += 1; base = len(lines(log))
            if in_a_row >= 10: break  # the tool stopped reacting: stop measuring it
            continue
        in_a_row = 0
        base = len(got)
        lat.append((int(got[-1]) - t0) / 1e6 - debounce_sub)
        time.sleep(0.01 + debounce_sub / 1000.0)  # let the tool go idle before the next save
        extra = len(lines(log)) - base
        if extra > 0: base += extra  # a tool that ran twice for one save
    stopf(proc)
    if not lat: return {"tool": name, "error": "no measurements"}
    return {"tool": name, "debounce": debounce_sub, "n": len(lat), "missed": missed,
            "p50": pct(lat, 50), "p99": pct(lat, 99), "mean": statistics.mean(lat)}

def lat_specwright():
    d = fresh("lat-sw"); log = os.path.join(TMP, "lat-sw.log"); t = os.path.join(d, "t.txt")
    open(t, "w").close()
    sw_workspace(d, "fileEdited", "t.txt", CMD.format(log=log))
    return measure("specwright", DEB, lambda: start_sw(d, DEB), stop, d, t, log)

def lat_inotifywait():
    d = fresh("lat-iw"); log = os.path.join(TMP, "lat-iw.log"); t = os.path.join(d, "t.txt")
    open(t, "w").close()
    sh = f"inotifywait -m -q -e close_write --format %f {d} | while read f; do {CMD.format(log=log)}; done"
    start = lambda: subprocess.Popen(["sh", "-c", sh], start_new_session=True)
    stopf = lambda p: (os.killpg(p.pid, signal.SIGTERM), p.wait())
    return measure("inotifywait", 0, start, stopf, d, t, log)

def lat_entr():
    d = fresh("lat-entr"); log = os.path.join(TMP, "lat-entr.log"); t = os.path.join(d, "t.txt")
    open(t, "w").close()
    start = lambda: subprocess.Popen(["entr", "-np", "sh", "-c", CMD.format(log=log)], stdin=subprocess.PIPE,
                                     text=True, start_new_session=True, cwd=d)
    def st():
        p = start(); p.stdin.write(t + "\n"); p.stdin.close(); return p
    stopf = lambda p: (os.killpg(p.pid, signal.SIGTERM), p.wait())
    return measure("entr", 0, st, stopf, d, t, log)

def lat_watchman():
    d = fresh("lat-wm"); log = os.path.join(TMP, "lat-wm.log"); t = os.path.join(d, "t.txt")
    open(t, "w").close()
    with open(os.path.join(d, ".watchmanconfig"), "w") as f: json.dump({"settle": DEB}, f)
    def st():
        wm_start(); wm("watch", d)
        trig = ["trigger", d, {"name": "b", "expression": ["name", "t.txt"], "stdin": "/dev/null",
                               "command": ["sh", "-c", CMD.format(log=log)]}]
        wm("-j", input=json.dumps(trig)); return None
    return measure("watchman", DEB, st, lambda p: wm_stop(), d, t, log)

def lat_watchexec():
    d = fresh("lat-we"); log = os.path.join(TMP, "lat-we.log"); t = os.path.join(d, "t.txt")
    open(t, "w").close()
    start = lambda: subprocess.Popen(["watchexec", "--debounce", f"{DEB}ms", "-w", d, "--postpone", "--",
                                      "sh", "-c", CMD.format(log=log)], start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stopf = lambda p: (os.killpg(p.pid, signal.SIGTERM), p.wait())
    return measure("watchexec", DEB, start, stopf, d, t, log)

# ---- 2. burst ------------------------------------------------------------

def write_burst(d):
    b = os.path.join(d, "burst"); os.makedirs(b, exist_ok=True)
    for i in range(BURST):
        with open(os.path.join(b, f"f{i}"), "w") as f: f.write("x")

def settle_count(count, limit=120):
    last, same, end = -1, 0, time.monotonic() + limit
    while time.monotonic() < end:
        c = count()
        if c == last:
            same += 1
            if same >= 20: return c
        else: same, last = 0, c
        time.sleep(0.1)
    return count()

def uniq_names(path):
    names = set()
    for l in lines(path):
        if "burst/f" in l or l.startswith("f"): names.add(l.rsplit("/", 1)[-1])
    return len(names)

def burst_specwright():
    d = fresh("burst-sw"); log = os.path.join(TMP, "burst-sw.log")
    os.makedirs(os.path.join(d, "burst"))
    cmd = ("python3 -c 'import json,sys; print(\"\\n\".join(json.load(sys.stdin)[\"files\"]))' >>" + log)
    sw_workspace(d, "fileCreated", "burst/**", cmd)
    p = start_sw(d, DEB); time.sleep(0.3)
    write_burst(d)
    n = settle_count(lambda: uniq_names(log)); stop(p)
    return n

def burst_inotifywait():
    d = fresh("burst-iw"); log = os.path.join(TMP, "burst-iw.log"); os.makedirs(os.path.join(d, "burst"))
    p = subprocess.Popen(["inotifywait", "-m", "-q", "-e", "close_write", "--format", "%f", "-o", log,
                          os.path.join(d, "burst")])
    time.sleep(0.5); write_burst(d)
    n = settle_count(lambda: uniq_names(log)); p.terminate(); p.wait()
    return n

def burst_watchman():
    d = fresh("burst-wm"); log = os.path.join(TMP, "burst-wm.log"); os.makedirs(os.path.join(d, "burst"))
    with open(os.path.join(d, ".watchmanconfig"), "w") as f: json.dump({"settle": DEB}, f)
    wm_start(); wm("watch", d)
    trig = ["trigger", d, {"name": "b", "expression": ["dirname", "burst"], "stdin": "NAME_PER_LINE",
                           "command": ["sh", "-c", "cat >>" + log]}]
    wm("-j", input=json.dumps(trig)); time.sleep(0.3)
    write_burst(d)
    n = settle_count(lambda: uniq_names(log)); wm_stop()
    return n

# ---- 3. setup on a large tree ----------------------------------------------

def make_tree():
    d = fresh("tree"); per = max(1, TREE_FILES // TREE_DIRS); top = max(1, int(TREE_DIRS ** 0.5))
    made = 0
    for i in range(TREE_DIRS):
        sub = os.path.join(d, f"d{i % top}", f"e{i}")
        os.makedirs(sub, exist_ok=True)
        for j in range(per):
            with open(os.path.join(sub, f"f{j}.txt"), "w") as f: f.write("x")
            made += 1
    return d, made

def setup_specwright(d):
    sw_workspace(d, "fileEdited", "nothing.never", "true")
    t0 = time.monotonic()
    p = start_sw(d, DEB)
    dt = time.monotonic() - t0
    rss, hwm = rss_kb(p.pid), rss_kb(p.pid, "VmHWM")
    stop(p); shutil.rmtree(os.path.join(d, ".kiro"), ignore_errors=True)
    return dt, rss, hwm

def setup_watchman(d):
    pid = wm_start(); time.sleep(0.2); base = rss_kb(pid)
    t0 = time.monotonic(); wm("watch", d); wm("clock", d); dt = time.monotonic() - t0
    rss, hwm = rss_kb(pid), rss_kb(pid, "VmHWM")
    wm_stop()
    return dt, rss, hwm, base

# ---- run -------------------------------------------------------------------

print(f"# bench/hooks.sh  N={N} saves, debounce {DEB} ms, burst {BURST} files, tree {TREE_FILES} files / {TREE_DIRS} dirs")
print(f"# {os.uname().sysname} {os.uname().release}, {os.cpu_count()} CPUs; "
      f"max_user_watches {open('/proc/sys/fs/inotify/max_user_watches').read().strip()}, "
      f"max_queued_events {open('/proc/sys/fs/inotify/max_queued_events').read().strip()}")
runs = [("specwright", lat_specwright, True), ("watchman", lat_watchman, have("watchman")),
        ("watchexec", lat_watchexec, have("watchexec")), ("entr", lat_entr, have("entr")),
        ("inotifywait", lat_inotifywait, have("inotifywait"))]
res = {}
print("\n## 1. save -> command start, minus the debounce (ms)")
print(f"{'tool':<12} {'debounce':>8} {'n':>5} {'missed':>6} {'p50':>8} {'p99':>8} {'mean':>8}")
for name, fn, ok in runs:
    if not ok:
        print(f"{name:<12} not installed (skipped)"); continue
    try: r = fn()
    except Exception as e: r = {"tool": name, "error": str(e)}
    res[name] = r
    if "error" in r: print(f"{name:<12} error: {r['error']}"); continue
    print(f"{name:<12} {r['debounce']:>8} {r['n']:>5} {r['missed']:>6} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['mean']:>8.2f}")
sw = res.get("specwright", {})
if "p50" in sw:
    for name, r in res.items():
        if name != "specwright" and "p50" in r:
            print(f"ratio specwright/{name}: p50 {sw['p50'] / r['p50']:.2f}x, p99 {sw['p99'] / r['p99']:.2f}x")

print(f"\n## 2. events lost in a burst of {BURST} new files")
for name, fn, ok in [("specwright", burst_specwright, True), ("watchman", burst_watchman, have("watchman")),
                     ("inotifywait", burst_inotifywait, have("inotifywait"))]:
    if not ok: print(f"{name:<12} not installed (skipped)"); continue
    try:
        n = fn(); print(f"{name:<12} seen {n:>6}  lost {BURST - n:>6}")
    except Exception as e: print(f"{name:<12} error: {e}")
print("entr         n/a (watches a fixed list of files given on stdin; new files end it with -d)")

print(f"\n## 3. setup on a tree of {TREE_FILES} files in {TREE_DIRS} directories")
t0 = time.monotonic(); d, made = make_tree(); print(f"(tree of {made} files written in {time.monotonic() - t0:.1f} s)")
sdt, srss, shwm = setup_specwright(d)
print(f"specwright   setup {sdt:6.3f} s   RSS {srss / 1024:6.1f} MB   peak {shwm / 1024:6.1f} MB")
if have("watchman"):
    try:
        wdt, wrss, whwm, wbase = setup_watchman(d)
        print(f"watchman     setup {wdt:6.3f} s   RSS {wrss / 1024:6.1f} MB   peak {whwm / 1024:6.1f} MB"
              f"   (server {wbase / 1024:.1f} MB before the watch)")
        print(f"ratio specwright/watchman: setup {sdt / wdt:.2f}x, RSS {srss / wrss:.2f}x")
    except Exception as e: print(f"watchman     error: {e}")
PY
