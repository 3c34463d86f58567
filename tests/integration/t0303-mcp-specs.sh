#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# 'specwright mcp serve --tools specs' driven by the real MCP Inspector CLI
# (0.15.0) over stdio and Streamable HTTP: tools/list, tools/call of each
# specs tool (the inspector lists the tools first, so its SDK client checks
# each structuredContent against the tool's outputSchema), spec documents as
# resources, the generation prompts; hostile spec names; and spec_lint on a
# corpus workspace against 'specwright spec lint --json'.
. "$(dirname "$0")/lib.sh"

INSPECTOR=$SW_TOP/tests/node_modules/.bin/mcp-inspector
sw_require_file "$INSPECTOR"

# A workspace with one feature spec (CRLF tasks.md) and one bugfix spec.
specs_ws() {
	mkdir -p ws/.kiro/specs/notes ws/.kiro/specs/crash ws/src &&
	cat >ws/.kiro/specs/notes/requirements.md <<'EOF' &&
# Requirements Document

## Requirements

### Requirement 1: Create notes

**User Story:** As a user, I want notes, so that I remember.

#### Acceptance Criteria

1. WHEN the user saves a note, THE Notes_Service SHALL store it.
2. THE Notes_Service SHALL list notes.

### Requirement 2: Delete notes

**User Story:** As a user, I want to delete notes, so that I tidy up.

#### Acceptance Criteria

1. WHEN the user deletes a note, THE Notes_Service SHALL remove it.
EOF
	printf '# Implementation Plan\r\n\r\n- [ ] 1. Set up the store\r\n  - _Requirements: 1.1_\r\n\r\n- [-] 2. Notes API\r\n- [x] 2.1 Save endpoint\r\n  - _Requirements: 1.1, 1.2_\r\n- [ ] 2.2 Delete endpoint\r\n  - _Requirements: 2.1_\r\n' \
		>ws/.kiro/specs/notes/tasks.md &&
	cat >ws/.kiro/specs/crash/bugfix.md <<'EOF'
# Bugfix Requirements Document

## Current Behavior (Defect)

1.1 WHEN the list is empty THEN the system crashes

## Expected Behavior (Correct)

2.1 WHEN the list is empty THEN the system SHALL show an empty state

## Unchanged Behavior (Regression Prevention)

3.1 WHEN the list has notes THEN the system SHALL CONTINUE TO show them
EOF
}

insp() { (cd ws && "$INSPECTOR" --cli "$SPECWRIGHT" mcp serve --tools specs "$@"); }

# py FILE EXPR: evaluates EXPR with r = the JSON in FILE (the inspector's output); exit 1 when false.
py() {
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
sc = r.get('structuredContent')
ok = $2
if not ok:
    print('check failed:', sys.argv[2], file=sys.stderr); print(json.dumps(r)[:1500], file=sys.stderr)
sys.exit(0 if ok else 1)
" "$1" "$2"
}

# Starts the HTTP server in ws on a free port; sets URL and SRV.
start_http() { mcp_serve_http ws --tools specs; }

stop_http() { mcp_serve_stop; }

sw_test 'inspector lists the specs tools with schemas and hints over stdio' '
	specs_ws &&
	insp --method tools/list >out &&
	py out "sorted(t[\"name\"] for t in r[\"tools\"]) == [\"spec_lint\", \"spec_list\", \"spec_next\", \"spec_read\", \"spec_set_task_status\", \"spec_trace\"]" &&
	py out "all(t[\"inputSchema\"][\"type\"] == \"object\" and t[\"outputSchema\"][\"type\"] == \"object\" for t in r[\"tools\"])" &&
	py out "all(t[\"annotations\"][\"readOnlyHint\"] == (t[\"name\"] != \"spec_set_task_status\") and t[\"annotations\"][\"destructiveHint\"] is False for t in r[\"tools\"])"
'

sw_test 'spec_list, spec_read, spec_lint, spec_trace and spec_next over stdio' '
	specs_ws &&
	insp --method tools/call --tool-name spec_list >out &&
	py out "[s[\"name\"] for s in sc[\"specs\"]] == [\"crash\", \"notes\"]" &&
	py out "[s for s in sc[\"specs\"] if s[\"name\"] == \"crash\"][0][\"type\"] == \"bugfix\"" &&
	py out "[s for s in sc[\"specs\"] if s[\"name\"] == \"notes\"][0][\"tasks\"] == {\"total\": 4, \"todo\": 2, \"queued\": 0, \"doing\": 1, \"done\": 1}" &&
	py out "[s for s in sc[\"specs\"] if s[\"name\"] == \"notes\"][0][\"files\"][\"design\"] is None" &&
	py out "json.loads(r[\"content\"][0][\"text\"]) == sc" &&
	insp --method tools/call --tool-name spec_read --tool-arg spec=notes --tool-arg document=requirements >out &&
	py out "sc[\"text\"] == open(\"ws/.kiro/specs/notes/requirements.md\").read()" &&
	insp --method tools/call --tool-name spec_read --tool-arg spec=notes --tool-arg requirement=1.2 >out &&
	py out "sc[\"kind\"] == \"criterion\" and sc[\"criterion\"][\"text\"] == \"THE Notes_Service SHALL list notes.\" and sc[\"line\"] == 12" &&
	insp --method tools/call --tool-name spec_read --tool-arg spec=notes --tool-arg task=2.1 >out &&
	py out "sc[\"line\"] == 7 and sc[\"source\"] == \"- [x] 2.1 Save endpoint\r\n  - _Requirements: 1.1, 1.2_\" and sc[\"task\"][\"status\"] == \"done\"" &&
	insp --method tools/call --tool-name spec_lint >out &&
	(cd ws && "$SPECWRIGHT" spec lint --json >../cli.json || :) &&
	py out "sc[\"specs\"] == 2 and sc[\"diagnostics\"] == json.load(open(\"cli.json\"))[\"diagnostics\"]" &&
	insp --method tools/call --tool-name spec_trace --tool-arg spec=notes >out &&
	(cd ws && "$SPECWRIGHT" spec trace --json notes >../cli.json) &&
	py out "sc == json.load(open(\"cli.json\")) and sc[\"uncovered\"] == []" &&
	insp --method tools/call --tool-name spec_next --tool-arg spec=notes >out &&
	py out "[t[\"id\"] for t in sc[\"ready\"]] == [\"1\", \"2.2\"] and sc[\"waves\"][\"computed\"] == [[\"1\"], [\"2.1\"], [\"2.2\"]]"
'

sw_test 'spec_set_task_status changes only the bracket bytes over stdio' '
	specs_ws &&
	cp ws/.kiro/specs/notes/tasks.md before.md &&
	insp --method tools/call --tool-name spec_set_task_status --tool-arg spec=notes --tool-arg task=2.2 --tool-arg status=done >out &&
	py out "[(c[\"id\"], c[\"from\"], c[\"to\"]) for c in sc[\"changes\"]] == [(\"2.2\", \"todo\", \"done\"), (\"2\", \"doing\", \"done\")]" &&
	python3 -c "
a = open(\"before.md\", \"rb\").read(); b = open(\"ws/.kiro/specs/notes/tasks.md\", \"rb\").read()
d = [i for i in range(len(a)) if a[i] != b[i]]
assert len(a) == len(b) and len(d) == 2, d
assert all(a[i - 1:i] == b\"[\" and b[i:i + 1] == b\"x\" and a[i + 1:i + 2] == b\"]\" for i in d), d
" &&
	(cd ws && "$SPECWRIGHT" spec show --json notes) >show.json &&
	python3 -c "import json; t = {x[\"id\"]: x[\"status\"] for x in json.load(open(\"show.json\"))[\"tasks\"]}; assert t[\"2.2\"] == \"done\" and t[\"2\"] == \"done\", t" &&
	insp --method tools/call --tool-name spec_set_task_status --tool-arg spec=notes --tool-arg task=1 --tool-arg status=in_progress >out &&
	grep -q "^- \[-\] 1\. Set up the store" ws/.kiro/specs/notes/tasks.md &&
	insp --method tools/call --tool-name spec_set_task_status --tool-arg spec=notes --tool-arg task=9.9 --tool-arg status=done >out &&
	py out "r.get(\"isError\") is True and \"9.9\" in r[\"content\"][0][\"text\"]"
'

sw_test 'hostile spec names and unknown ids are isError results, nothing read or written' '
	specs_ws && mkdir -p outside && cp ws/.kiro/specs/notes/requirements.md outside/ &&
	ln -s "$PWD/outside" ws/.kiro/specs/evil &&
	cp ws/.kiro/specs/notes/tasks.md before.md &&
	for n in ../x a/b /etc/passwd .. .kiro evil "..\\x"; do
		insp --method tools/call --tool-name spec_read --tool-arg "spec=$n" --tool-arg document=requirements >out &&
		py out "r.get(\"isError\") is True and \"refused spec name\" in r[\"content\"][0][\"text\"] and \"structuredContent\" not in r" &&
		insp --method tools/call --tool-name spec_set_task_status --tool-arg "spec=$n" --tool-arg task=1 --tool-arg status=done >out &&
		py out "r.get(\"isError\") is True" || { echo "name $n"; exit 1; }
	done &&
	cmp before.md ws/.kiro/specs/notes/tasks.md &&
	insp --method tools/call --tool-name spec_read --tool-arg spec=nots --tool-arg task=1 >out &&
	py out "r.get(\"isError\") is True and \"no spec \x27nots\x27 under .kiro/specs (available: \x27crash\x27, \x27notes\x27)\" in r[\"content\"][0][\"text\"]" &&
	insp --method tools/call --tool-name spec_read --tool-arg spec=notes --tool-arg task=7 >out &&
	py out "r.get(\"isError\") is True and \"has no task \x277\x27\" in r[\"content\"][0][\"text\"]" &&
	insp --method tools/call --tool-name spec_list >out &&
	py out "\"evil\" not in json.dumps(sc)"
'

sw_test 'spec documents are resources; the generation prompts are prompts (stdio)' '
	specs_ws &&
	insp --method resources/list >out &&
	py out "sorted(x[\"uri\"] for x in r[\"resources\"]) == [\"spec:///crash/bugfix.md\", \"spec:///notes/requirements.md\", \"spec:///notes/tasks.md\"]" &&
	py out "all(x[\"mimeType\"] == \"text/markdown\" for x in r[\"resources\"])" &&
	insp --method resources/templates/list >out && expect_grep "spec:///{spec}/{document}" out &&
	insp --method resources/read --uri spec:///crash/bugfix.md >out &&
	py out "r[\"contents\"][0][\"text\"] == open(\"ws/.kiro/specs/crash/bugfix.md\").read()" &&
	expect_fail 1 insp --method resources/read --uri spec:///../outside/requirements.md >out 2>err &&
	expect_grep "MCP error -32602: refused spec name" err &&
	insp --method prompts/list >out &&
	py out "{p[\"name\"] for p in r[\"prompts\"]} >= {\"system\", \"requirements\", \"design\", \"tasks\", \"bugfix\", \"refine\", \"repair\"}" &&
	py out "[(a[\"name\"], a[\"required\"]) for p in r[\"prompts\"] if p[\"name\"] == \"refine\" for a in p[\"arguments\"]] == [(\"file\", True), (\"spec\", True), (\"comment\", True)]" &&
	insp --method prompts/get --prompt-name refine --prompt-args spec=notes --prompt-args file=tasks.md --prompt-args "comment=split task 2" >out &&
	py out "r[\"messages\"][0][\"role\"] == \"user\" and \"split task 2\" in r[\"messages\"][0][\"content\"][\"text\"] and \"{{\" not in r[\"messages\"][0][\"content\"][\"text\"]" &&
	expect_fail 1 insp --method prompts/get --prompt-name refine --prompt-args spec=notes >out 2>err &&
	expect_grep "MCP error -32602: prompt .refine. needs argument .file." err
'

sw_test 'the same tools, resources and prompts over Streamable HTTP' '
	specs_ws && start_http &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/list >out &&
	py out "len(r[\"tools\"]) == 6" &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name spec_read --tool-arg spec=crash --tool-arg requirement=2.1 >out &&
	py out "sc[\"criterion\"][\"id\"] == \"2.1\" and sc[\"path\"] == \".kiro/specs/crash/bugfix.md\"" &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name spec_set_task_status --tool-arg spec=notes --tool-arg task=2.2 --tool-arg status=in_progress >out &&
	grep -q "^- \[-\] 2\.2 Delete endpoint" ws/.kiro/specs/notes/tasks.md &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name spec_read --tool-arg spec=../x --tool-arg task=1 >out &&
	py out "r.get(\"isError\") is True" &&
	"$INSPECTOR" --cli "$URL" --transport http --method resources/read --uri spec:///notes/tasks.md >out &&
	py out "r[\"contents\"][0][\"text\"] == open(\"ws/.kiro/specs/notes/tasks.md\", newline=\"\").read()" &&
	"$INSPECTOR" --cli "$URL" --transport http --method prompts/get --prompt-name requirements --prompt-args "request=a notes app" >out &&
	py out "r[\"messages\"][0][\"content\"][\"text\"].endswith(\"## The request\n\na notes app\n\")" &&
	stop_http
'

sw_test 'the specs set finds the workspace from -C or a subfolder; none is a clear error' '
	specs_ws &&
	(cd ws/src && "$INSPECTOR" --cli "$SPECWRIGHT" mcp serve --tools specs --method tools/call --tool-name spec_list) >out &&
	py out "len(sc[\"specs\"]) == 2" &&
	"$INSPECTOR" --cli "$SPECWRIGHT" -C ws mcp serve --tools specs --method tools/call --tool-name spec_list >out &&
	py out "len(sc[\"specs\"]) == 2" &&
	mkdir empty &&
	(cd empty && expect_fail 1 "$SPECWRIGHT" mcp serve --tools specs </dev/null 2>../err) &&
	expect_grep "no .kiro folder" err &&
	"$SPECWRIGHT" mcp serve --help >help && expect_grep "spec_set_task_status" help
'

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
nulcall='{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"spec_set_task_status","arguments":{"spec":"notes\u0000/../../x","task":"2.2","status":"done"}}}'
hdr='-H Content-Type:application/json -H Accept:application/json,text/event-stream'

sw_test 'a \u0000 in a spec name is refused over stdio and HTTP, not acted on cut short' '
	specs_ws && cp ws/.kiro/specs/notes/tasks.md before.md &&
	printf "%s\n%s\n%s\n" "$init" "$nulcall" "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}" |
		(cd ws && "$SPECWRIGHT" mcp serve --tools specs) >out &&
	python3 -c "
import json
m = [json.loads(l) for l in open(\"out\")]
e = [x for x in m if x.get(\"id\") == 2][0]
assert e[\"error\"][\"code\"] == -32602 and \"NUL\" in e[\"error\"][\"message\"], e
assert [x for x in m if x.get(\"id\") == 3][0][\"result\"] == {}
" &&
	cmp before.md ws/.kiro/specs/notes/tasks.md &&
	start_http &&
	curl -sS -D h1 $hdr -d "$init" "$URL" >b1 &&
	sid=$(sed -n "s/^Mcp-Session-Id: *\([0-9a-f]*\).*/\1/ip" h1) && [ -n "$sid" ] &&
	curl -sS -D h2 $hdr -H "Mcp-Session-Id: $sid" -d "$nulcall" "$URL" >b2 &&
	expect_grep "^HTTP/1.1 400" h2 && expect_grep "32602" b2 && expect_grep "NUL" b2 &&
	stop_http &&
	cmp before.md ws/.kiro/specs/notes/tasks.md
'

# The corpus case needs both the inspector and the shared corpus.
sw_skip_unless_shared

sw_test 'spec_lint on a corpus workspace counts what spec lint --json counts' '
	n=0
	for ws in 49LabsAI__SovSeal zxj6827111-blip__KIROGOVCOMPARE 3fn__DesignerPunk; do
		[ -d "$SW_SHARED/corpus/$ws/.kiro/specs" ] || continue
		n=$((n + 1))
		"$INSPECTOR" --cli "$SPECWRIGHT" -C "$SW_SHARED/corpus/$ws" mcp serve --tools specs --method tools/call --tool-name spec_lint >out &&
		(cd "$SW_SHARED/corpus/$ws" && "$SPECWRIGHT" spec lint --json >"$OLDPWD/cli.json" || :) &&
		py out "sc[\"errors\"] == json.load(open(\"cli.json\"))[\"errors\"] and sc[\"warnings\"] == json.load(open(\"cli.json\"))[\"warnings\"] and sc[\"specs\"] == json.load(open(\"cli.json\"))[\"specs\"]" &&
		py out "sum(d[\"severity\"] == \"error\" for d in sc[\"diagnostics\"]) == sc[\"errors\"]" || { echo "workspace $ws"; exit 1; }
	done &&
	test $n -ge 1
'
