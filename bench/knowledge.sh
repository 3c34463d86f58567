#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark of knowledge bases (not a test): indexing rate, re-index of one
# changed file, and query latency, against ripgrep over the same tree in the
# same run.
#
#   bench/knowledge.sh                 200 MB corpus (SIZE_MB=50 for a smaller one)
#   BENCH_DIR=/tmp/kb bench/knowledge.sh   keep the corpus and index there
#
# Goals: indexing >= 30 MB/s, re-index of one file < 20 ms, query p50 < 5 ms,
# queries >= 20x faster than rg.  Both tools run with a warm page cache and
# are timed per query as separate processes from one Python timer; the
# in-process library figures (database opened once, as the agent, the MCP
# server and the hook watcher hold it) are printed too.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MB=${SIZE_MB:-200}
BUILD=${BUILD:-$top/build}
SPECWRIGHT=${SPECWRIGHT:-$BUILD/specwright}
work=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/sw-bench-knowledge.XXXXXX")}
mkdir -p "$work"

if ! command -v rg >/dev/null 2>&1; then
	echo "bench: installing ripgrep (Debian package)"
	SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get install -y -q ripgrep >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q ripgrep >/dev/null; }
fi
[ -x "$SPECWRIGHT" ] || { echo "bench: build first (make)" >&2; exit 1; }

PKGS="libgit2 libcurl libuv libmicrohttpd libcjson libcmark md4c-html sqlite3 yaml-0.1"
cc -std=c11 -O2 -I"$top/src" -I"$top" $(pkg-config --cflags $PKGS) -o "$work/knowledge_driver" \
	"$top/bench/knowledge_driver.c" "$BUILD/libspecwright.a" $(pkg-config --libs $PKGS) -lm

ws=$work/ws
if [ ! -f "$work/queries.txt" ] || [ "$(cat "$work/size" 2>/dev/null)" != "$SIZE_MB" ]; then
	rm -rf "$ws"
	mkdir -p "$ws/.kiro"
	echo "bench: generating a ${SIZE_MB} MB corpus of Markdown and C in $ws/corpus"
	python3 "$top/bench/knowledge_corpus.py" "$ws/corpus" "$SIZE_MB" "$work/queries.txt"
	echo "$SIZE_MB" >"$work/size"
fi
rm -f "$ws/.kiro/knowledge.db" "$ws/.kiro/knowledge.db-wal" "$ws/.kiro/knowledge.db-shm"
find "$ws/corpus" -type f -exec cat {} + >/dev/null # warm the page cache for both tools

echo "bench: indexing (load average $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$SPECWRIGHT" "$ws" "$work" <<'PY'
import json, resource, subprocess, sys, time
sw, ws, work = sys.argv[1:4]
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
out = subprocess.run([sw, "-C", ws, "knowledge", "add", "--name", "bench", "--path", "corpus",
                      "--max-files", "1000000", "--json"], check=True, capture_output=True, text=True).stdout
wall = time.perf_counter() - t0
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
s = json.loads(out)["stats"]
mb = s["bytes_indexed"] / 1e6
open(work + "/index.txt", "w").write("%.1f %.2f %.1f %d %d %.2f %.1f\n" % (mb, wall, mb / wall, s["files"],
                                     s["chunks_added"], cpu, mb / cpu))
PY
read mb secs rate files chunks cpu cpurate <"$work/index.txt"
dbmb=$(du -m "$ws/.kiro/knowledge.db" | cut -f1)

# One changed file, re-indexed: in-process (kb_index_file) and as "knowledge update FILE".
f=$(find "$ws/corpus" -name '*.md' 2>/dev/null | sort | head -n 1)
read ri_p50 ri_p99 ri_mean <<EOT
$("$work/knowledge_driver" reindex "$ws" "$f" 20)
EOT
cli_ri=$(python3 - "$SPECWRIGHT" "$ws" "$f" <<'PY'
import subprocess, sys, time
sw, ws, f = sys.argv[1:4]
t = []
for i in range(20):
    with open(f, "a") as fp:
        fp.write("cli edit %d wombat%d\n" % (i, i))
    t0 = time.perf_counter()
    subprocess.run([sw, "-C", ws, "knowledge", "update", f], check=True, stdout=subprocess.DEVNULL)
    t.append((time.perf_counter() - t0) * 1e3)
t.sort()
print("%.2f" % t[len(t) // 2])
PY
)

# Queries: in-process, then the CLI and rg as processes.
read q_p50 q_p99 q_mean <<EOT
$("$work/knowledge_driver" query "$ws" "$work/queries.txt")
EOT
python3 - "$SPECWRIGHT" "$ws" "$work/queries.txt" "$work" <<'PY'
import subprocess, sys, time
sw, ws, qf, work = sys.argv[1:5]
qs = [l.split() for l in open(qf) if l.strip()]
def run(argv):
    # Output goes to a pipe, not /dev/null: ripgrep may stop at the first match
    # when it sees /dev/null, which would not answer the query.
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t0) * 1e3
def pct(t):
    t = sorted(t)
    return t[len(t) // 2], t[min(len(t) - 1, int(len(t) * 0.99))]
for q in qs[:5]:  # warm-up
    run([sw, "-C", ws, "knowledge", "search"] + q)
    run(["rg", "-n", "-i", "-w", "-F"] + sum([["-e", w] for w in q], []) + [ws + "/corpus"])
sw_t = [run([sw, "-C", ws, "knowledge", "search", "--limit", "5"] + q) for q in qs]
rg_t = [run(["rg", "-n", "-i", "-w", "-F"] + sum([["-e", w] for w in q], []) + [ws + "/corpus"]) for q in qs]
s50, s99 = pct(sw_t)
r50, r99 = pct(rg_t)
open(work + "/queries-result.txt", "w").write("%.2f %.2f %.2f %.2f %.1f\n" % (s50, s99, r50, r99, r50 / s50))
PY
read c_p50 c_p99 rg_p50 rg_p99 ratio <"$work/queries-result.txt"

cat <<EOT

knowledge bench ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, SQLite $(pkg-config --modversion sqlite3), $(rg --version | head -n 1))
corpus:   $files files, $mb MB of Markdown and C -> $chunks chunks, database $dbmb MB
indexing: $secs s wall = $rate MB/s; $cpu s of CPU = $cpurate MB per CPU-second   (goal >= 30 MB/s)
re-index one changed file: p50 $ri_p50 ms in-process, $cli_ri ms as 'knowledge update FILE'   (goal < 20 ms)
queries (100, top 5):
  in-process        p50 $q_p50 ms   p99 $q_p99 ms   (goal p50 < 5 ms)
  specwright CLI    p50 $c_p50 ms   p99 $c_p99 ms
  rg (same words)   p50 $rg_p50 ms   p99 $rg_p99 ms
  rg / specwright   ${ratio}x at p50                  (goal >= 20x)
EOT
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
