#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# steering list / explain: inclusion modes, global merge, AGENTS.md, warnings.
. "$(dirname "$0")/lib.sh"

setup_steering() {
	mkdir -p .kiro/steering/sub "$HOME/.kiro/steering" src
	printf -- '---\ninclusion: always\n---\nws tech\n' >.kiro/steering/tech.md
	printf -- '---\ninclusion: fileMatch\nfileMatchPattern: ["**/*.tsx", "web/**"]\n---\n' >".kiro/steering/sub/react rules.md"
	printf -- '---\ninclusion: manual\n---\n' >.kiro/steering/api.md
	printf -- '---\ninclusion: auto\nname: db\ndescription: Database work\n---\n' >.kiro/steering/db.md
	printf 'global tech\n' >"$HOME/.kiro/steering/tech.md"
	printf 'mine\n' >"$HOME/.kiro/steering/personal.md"
	printf '# agents\n' >AGENTS.md
	touch src/App.tsx
}

sw_test 'steering list shows every source and mode' '
	setup_steering &&
	sw steering list >out &&
	expect_grep "^\.kiro/steering/tech.md  *always  *workspace (overrides ~/.kiro/steering/tech.md)" out &&
	expect_grep "^\.kiro/steering/sub/react rules.md  *fileMatch  *workspace \*\*/\*.tsx web/\*\*" out &&
	expect_grep "^\.kiro/steering/api.md  *manual" out &&
	expect_grep "^\.kiro/steering/db.md  *auto .*Database work" out &&
	expect_grep "^~/.kiro/steering/personal.md  *always  *global" out &&
	expect_grep "^AGENTS.md  *always  *agents-md" out &&
	test "$(grep -c "tech.md" out)" -eq 1
'

sw_test 'steering list --json is one document with the front matter kept' '
	setup_steering && printf -- "---\ninclusion: always\npriority: 3\n---\n" >.kiro/steering/extra.md &&
	sw steering list --json >out &&
	python3 -c "import json,sys; d=json.load(open(\"out\")); e=[x for x in d[\"documents\"] if x[\"name\"]==\"extra.md\"][0]; assert e[\"frontMatter\"][\"priority\"]==3, e; assert len(d[\"documents\"])==7"
'

sw_test 'steering explain says why each document loads' '
	setup_steering &&
	sw steering explain src/App.tsx >out &&
	expect_grep "loads  *\.kiro/steering/sub/react rules.md  *fileMatchPattern .\*\*/\*.tsx. matches" out &&
	expect_grep "loads  *\.kiro/steering/tech.md  *inclusion: always" out &&
	expect_grep "on request \.kiro/steering/api.md  *manual: only when referenced as #api.md" out &&
	expect_grep "on request \.kiro/steering/db.md  *auto" out &&
	expect_grep "loads  *AGENTS.md" out &&
	cd src && sw steering explain ../README.none >../out2 && cd .. &&
	expect_grep "skipped  *\.kiro/steering/sub/react rules.md  *fileMatch: no pattern matches" out2
'

sw_test 'steering explain --json' '
	setup_steering &&
	sw steering explain --json web/x.js >out &&
	python3 -c "import json; d=json.load(open(\"out\")); r=[x for x in d[\"documents\"] if x[\"name\"]==\"sub/react rules.md\"][0]; assert r[\"loads\"]==\"yes\" and r[\"pattern\"]==\"web/**\", r; assert d[\"path\"]==\"web/x.js\""
'

sw_test 'steering explain refuses a path outside the workspace' '
	setup_steering &&
	expect_fail 1 sw steering explain /etc/passwd 2>err && expect_grep "outside the workspace" err &&
	expect_fail 2 sw steering explain 2>err && expect_grep "missing PATH" err
'

sw_test 'missing #[[file:]] target is an error with its location' '
	mkdir -p .kiro/steering &&
	printf -- "---\ninclusion: always\n---\nsee #[[file:docs/api.yaml]]\n" >.kiro/steering/r.md &&
	expect_fail 1 sw steering list 2>err &&
	expect_grep "^\.kiro/steering/r.md:4:5: error: referenced file .docs/api.yaml. does not exist" err &&
	mkdir docs && touch docs/api.yaml && sw steering list >out 2>err && test ! -s err
'

sw_test 'steering linked outside the workspace is refused and not listed' '
	mkdir -p ws/.kiro/steering out && printf "OUTSIDE-SECRET\n" >out/hosts.md &&
	ln -s "$PWD/out/hosts.md" ws/.kiro/steering/x.md && printf "fine\n" >ws/.kiro/steering/ok.md &&
	printf -- "---\ninclusion: manual\nbad: [\n---\nbody\n" >ws/.kiro/steering/broken.md &&
	cd ws && { sw steering list >../list.txt 2>../err; echo $? >../rc; } && cd .. &&
	test "$(cat rc)" -eq 1 &&
	expect_grep "^\.kiro/steering/ok.md  *always" list.txt &&
	expect_no_grep "x.md" list.txt && expect_no_grep "broken.md" list.txt &&
	expect_grep "\.kiro/steering/x.md.*error: .\.kiro/steering/x.md. resolves outside the workspace (.*/out/hosts.md); refused" err &&
	expect_grep "\.kiro/steering/broken.md:4:1: error: .*the document is not loaded" err
'

sw_test 'steering outside a workspace fails cleanly' '
	expect_fail 1 sw steering list 2>err && expect_grep "no .kiro folder" err
'
