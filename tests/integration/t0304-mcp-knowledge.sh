#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# 'specwright mcp serve --tools knowledge' driven by the real MCP Inspector
# CLI (0.15.0) over stdio and Streamable HTTP, on a workspace indexed by
# 'specwright knowledge add': a search whose top hit is a known file:line,
# the list of knowledge bases, fetching a hit's chunk and lines of a file,
# errors as isError results, a missing index, no embedding provider needed.
. "$(dirname "$0")/lib.sh"

INSPECTOR=$SW_TOP/tests/node_modules/.bin/mcp-inspector
sw_require_file "$INSPECTOR"

# No embedding provider, whatever the caller's environment holds.
unset OPENAI_API_KEY OPENAI_BASE_URL

# A workspace with docs/ indexed as knowledge base "docs".
ws() {
	mkdir -p ws/.kiro ws/docs/api &&
	printf '# Operations\n\nGeneral notes.\n\n## Rollback\n\nTo undo a release run the marmalade rollback script.\nIt restores the previous build.\n' > ws/docs/ops.md &&
	printf '# API\n\nThe endpoint returns JSON.\n' > ws/docs/api/README.md &&
	printf 'static int quokka(void)\n{\n\treturn 42;\n}\n' > ws/docs/api/quokka.c &&
	(cd ws && "$SPECWRIGHT" knowledge add docs docs >/dev/null)
}

insp() { (cd ws && "$INSPECTOR" --cli "$SPECWRIGHT" mcp serve --tools knowledge "$@"); }

# Starts an HTTP server in ws on a free port; sets URL and SRV (its pid).
start_http() { mcp_serve_http ws --tools knowledge; }

stop_http() { mcp_serve_stop; }

sw_test 'inspector lists the knowledge tools, read-only, with schemas' '
	ws && insp --method tools/list >out &&
	expect_grep "\"name\": \"knowledge_search\"" out && expect_grep "\"name\": \"knowledge_list\"" out &&
	expect_grep "\"name\": \"knowledge_fetch\"" out &&
	[ "$(grep -c "\"readOnlyHint\": true" out)" = 3 ] && [ "$(grep -c "\"outputSchema\"" out)" = 3 ]
'

sw_test 'knowledge_search over stdio: the top hit is docs/ops.md:5-8, no provider needed' '
	ws && insp --method tools/call --tool-name knowledge_search --tool-arg query="marmalade rollback" >out &&
	expect_no_grep "isError" out &&
	expect_grep "\"text\": \"docs/ops.md:5-8  Operations / Rollback (docs)" out &&
	node -e "
		const r = JSON.parse(require(\"fs\").readFileSync(\"out\", \"utf8\"));
		const h = r.structuredContent.results[0];
		if (r.structuredContent.mode !== \"lexical\" || h.path !== \"docs/ops.md\" || h.start_line !== 5 ||
		    h.end_line !== 8 || !/marmalade/.test(h.snippet)) { console.error(JSON.stringify(r)); process.exit(1); }
	"
'

sw_test 'knowledge_search finds code, restricted to one knowledge base and limited' '
	ws && insp --method tools/call --tool-name knowledge_search --tool-arg query=quokka \
		--tool-arg knowledge_base=docs --tool-arg limit=1 --tool-arg mode=lexical >out &&
	expect_grep "\"path\": \"docs/api/quokka.c\"" out && expect_grep "\"start_line\": 1" out &&
	[ "$(grep -c "\"chunk_id\"" out)" = 1 ]
'

sw_test 'knowledge_list: name, source folder, counts, last indexed' '
	ws && insp --method tools/call --tool-name knowledge_list >out &&
	expect_grep "\"name\": \"docs\"" out && expect_grep "\"files\": 3" out &&
	expect_grep "\"source\": \"$PWD/ws/docs\"" out &&
	expect_grep "\"last_indexed\": \"20[0-9-]*T[0-9:]*Z\"" out && expect_grep "\"indexed\": true" out
'

sw_test 'knowledge_fetch: a hit chunk by id, then lines of the file' '
	ws && insp --method tools/call --tool-name knowledge_search --tool-arg query=marmalade >out &&
	id=$(sed -n "s/.*\"chunk_id\": \([0-9]*\).*/\1/p" out | head -1) && [ -n "$id" ] &&
	insp --method tools/call --tool-name knowledge_fetch --tool-arg chunk_id=$id >out &&
	expect_grep "\"content\": \"## Rollback" out && expect_grep "\"start_line\": 5" out &&
	insp --method tools/call --tool-name knowledge_fetch --tool-arg path=docs/api/quokka.c \
		--tool-arg start_line=3 --tool-arg end_line=3 >out &&
	expect_grep "\"content\": \"\\\\treturn 42;\\\\n\"" out && expect_grep "\"total_lines\": 4" out
'

sw_test 'bad arguments and unindexed paths are isError results with a reason' '
	ws && printf "secret\n" > ws/secret.txt &&
	insp --method tools/call --tool-name knowledge_search --tool-arg query=x --tool-arg limit=0 >out &&
	expect_grep "\"isError\": true" out && expect_grep "limit: expected 1 to 100" out &&
	insp --method tools/call --tool-name knowledge_search --tool-arg query=x --tool-arg mode=best >out &&
	expect_grep "\"isError\": true" out && expect_grep "needs an embedding provider" out &&
	insp --method tools/call --tool-name knowledge_search --tool-arg query=x --tool-arg knowledge_base=nope >out &&
	expect_grep "no knowledge base named" out &&
	insp --method tools/call --tool-name knowledge_fetch --tool-arg path=secret.txt >out &&
	expect_grep "\"isError\": true" out && expect_grep "not a file of any knowledge base" out &&
	expect_no_grep "secret.n" out
'

sw_test 'a workspace without an index: the result says how to make one' '
	mkdir -p bare/.kiro &&
	(cd bare && "$INSPECTOR" --cli "$SPECWRIGHT" mcp serve --tools knowledge --method tools/call \
		--tool-name knowledge_search --tool-arg query=anything) >out &&
	expect_grep "\"isError\": true" out && expect_grep "specwright knowledge add" out &&
	[ ! -e bare/.kiro/knowledge.db ]
'

sw_test 'inspector over Streamable HTTP: search, list and fetch' '
	ws && start_http &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name knowledge_search \
		--tool-arg query="marmalade rollback" >out &&
	expect_grep "\"text\": \"docs/ops.md:5-8" out && expect_grep "\"mode\": \"lexical\"" out &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name knowledge_list >out &&
	expect_grep "\"name\": \"docs\"" out &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name knowledge_fetch \
		--tool-arg path=docs/ops.md --tool-arg start_line=7 --tool-arg end_line=7 >out &&
	expect_grep "\"content\": \"To undo a release run the marmalade rollback script.\\\\n\"" out &&
	stop_http
'

sw_test 'a search while knowledge update rewrites the index' '
	ws && i=0 && while [ $i -lt 300 ]; do
		printf "# Note %s\n\nfiller words for note %s\n" $i $i > ws/docs/n$i.md; i=$((i + 1)); done || return 1
	(cd ws && exec "$SPECWRIGHT" knowledge update docs >../upd.out 2>&1) &
	UPD=$!
	insp --method tools/call --tool-name knowledge_search --tool-arg query=marmalade >out &&
	wait $UPD &&
	expect_no_grep "isError" out && expect_grep "\"path\": \"docs/ops.md\"" out &&
	insp --method tools/call --tool-name knowledge_list >out && expect_grep "\"files\": 303" out
'

sw_test 'usage: knowledge is a known tool set' '
	"$SPECWRIGHT" mcp serve --help >out && expect_grep "knowledge_search" out &&
	expect_fail 2 "$SPECWRIGHT" mcp serve --tools nosuch 2>err && expect_grep "knowledge" err
'

