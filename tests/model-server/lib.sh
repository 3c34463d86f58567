# SPDX-License-Identifier: Apache-2.0
# Shell helpers for integration tests that drive the scripted model server
# (see server.py for the script format).  Source after tests/integration/lib.sh.
#
#   ms_start SCRIPT.json    starts the server in the background; sets MS_DIR
#                           (its output folder), MS_PORT and MS_URL
#                           (http://127.0.0.1:PORT)
#   ms_check N              fails unless every assertion passed and at least N
#                           steps were used; prints the failures
#   ms_stop                 stops the server (also done when the case ends)
#   ms_request K            prints the raw body of the K-th request received
MS_SERVER=${SW_TOP:-.}/tests/model-server/server.py

ms_start() {
	trap ms_stop EXIT
	MS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sw-ms.XXXXXX")
	python3 "$MS_SERVER" --script "$1" --dir "$MS_DIR" 2>"$MS_DIR/stderr" &
	MS_PID=$!
	i=0
	while [ ! -s "$MS_DIR/port" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$MS_PID" 2>/dev/null; then
			echo "model server did not start:" >&2; cat "$MS_DIR/stderr" >&2
			return 1
		fi
		sleep 0.05
	done
	MS_PORT=$(cat "$MS_DIR/port")
	MS_URL=http://127.0.0.1:$MS_PORT
	export MS_DIR MS_PORT MS_URL MS_PID
}

ms_stop() {
	if [ -n "${MS_PID:-}" ]; then
		kill "$MS_PID" 2>/dev/null
		wait "$MS_PID" 2>/dev/null
		MS_PID=
	fi
}

ms_check() {
	python3 "$MS_SERVER" --check "$MS_DIR" --steps "$1"
}

ms_request() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["n"] == int(sys.argv[2]): sys.stdout.write(r["body"])' "$MS_DIR/requests.ndjson" "$1"
}
