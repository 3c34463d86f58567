#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright knowledge: add, search, list, update, remove, clear, status,
# against the real binary in a temporary workspace.
. "$(dirname "$0")/lib.sh"

# A workspace with Markdown docs, C code, and files that must be skipped.
mkws() {
	mkdir -p .kiro docs/guide src
	printf '# Guide\n\nIntro text.\n\n## Install\n\nRun the zebra installer.\n' >docs/guide/install.md
	printf '# API\n\nThe zebra_open call.\n' >docs/api.md
	printf 'int zebra_open(void)\n{\n\treturn 1;\n}\n\nint helper(void)\n{\n\treturn 2;\n}\n' >src/zebra.c
	printf 'secret zebra\n' >docs/.hidden.md
	printf 'bin\000zebra' >docs/blob.dat
	printf 'zebra caf\351\n' >docs/latin1.txt
}

sw_test 'knowledge --help lists the verbs; each verb has --help' '
	sw knowledge --help >out && expect_grep "search" out && expect_grep "status" out &&
	for v in add search list update remove clear status; do
		sw knowledge $v --help >out || exit 1
		expect_grep "usage: specwright knowledge $v" out || exit 1
	done
'

sw_test 'knowledge needs a workspace' '
	expect_fail 1 sw knowledge list 2>err && expect_grep "\.kiro" err
'

sw_test 'add indexes, counts skipped files, and search prints path:start-end' '
	mkws &&
	sw knowledge add --name docs --path docs >out 2>err &&
	expect_grep "added knowledge base .docs. (fast): 2 files" out &&
	expect_grep "1 binary file skipped" err && expect_grep "1 file skipped: not UTF-8" err &&
	test -f .kiro/knowledge.db &&
	sw knowledge search installer >out &&
	expect_grep "^docs/guide/install.md:5-7  Guide / Install  (docs," out &&
	expect_grep "\[\[installer\]\]" out &&
	expect_no_grep "hidden" out
'

sw_test 'search --json gives spans and highlight offsets' '
	mkws && sw knowledge add -n docs -p docs >/dev/null 2>&1 &&
	sw knowledge search zebra --json >out &&
	python3 -c "
import json,sys
d=json.load(open(\"out\"))
r=d[\"results\"]
assert d[\"ranking\"]==\"bm25\", d
assert len(r)==2, r
for h in r:
    assert h[\"start_line\"]>=1 and h[\"end_line\"]>=h[\"start_line\"], h
    assert h[\"highlights\"], h
    for s,e in h[\"highlights\"]:
        assert h[\"snippet\"].encode()[s:e].decode().lower().startswith(\"zebra\"), h
"
'

sw_test 'include and exclude globs; *.c matches at any depth' '
	mkws && mkdir -p src/deep && cp src/zebra.c src/deep/z2.c && printf "zebra\n" >src/notes.md &&
	sw knowledge add --name code --path . --include "*.c" --exclude "src/deep/**" --json >out 2>/dev/null &&
	expect_grep "\"new\":1" out &&
	sw knowledge search zebra --json >out &&
	expect_grep "src/zebra.c" out && expect_no_grep "z2.c" out && expect_no_grep "notes.md" out
'

sw_test 'gitignored files are not indexed' '
	mkws && printf "api.md\n" >docs/.gitignore &&
	sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	sw knowledge search zebra_open >out; expect_no_grep "api.md" out
'

sw_test 'max-files stops an add with a clear message and adds nothing' '
	mkws && expect_fail 1 sw knowledge add --name d --path docs --max-files 1 2>err &&
	expect_grep "more than 1 files" err && expect_grep "max-files" err &&
	sw knowledge list >out && expect_grep "no knowledge bases" out
'

sw_test 'update after edit, rename and delete' '
	mkws && sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	printf "# Guide\n\nIntro text.\n\n## Install\n\nRun the okapi installer.\n" >docs/guide/install.md &&
	touch -d "2001-01-01" docs/guide/install.md &&
	mv docs/api.md docs/reference.md &&
	sw knowledge update docs --json >out 2>/dev/null &&
	expect_grep "\"new\":1,\"changed\":1,\"deleted\":1,\"unchanged\":0" out &&
	sw knowledge search okapi >out && expect_grep "docs/guide/install.md:5-7" out &&
	sw knowledge search zebra >out && expect_grep "docs/reference.md:1-3" out &&
	expect_no_grep "docs/api.md" out && expect_no_grep "install.md" out &&
	sw knowledge update >out 2>/dev/null && expect_grep "0 new, 0 changed, 0 deleted, 2 unchanged" out
'

sw_test 'list, status and remove by name, path and id' '
	mkws && sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	sw knowledge add --name code --path src >/dev/null 2>&1 &&
	sw knowledge list >out && expect_grep "^2 *code *fast *1" out &&
	sw knowledge show --json >out && expect_grep "\"name\":\"docs\"" out &&
	sw knowledge status --json >out && expect_grep "\"knowledge_bases\":2" out &&
	expect_grep "\"sqlite_version\":\"3\." out &&
	sw knowledge remove ./src >out && expect_grep "removed knowledge base .code." out &&
	sw knowledge remove 1 >out && expect_grep "removed knowledge base .docs." out &&
	expect_fail 1 sw knowledge remove docs 2>err && expect_grep "no knowledge base named .docs." err
'

sw_test 'search --name limits to one knowledge base, --limit caps results' '
	mkws && sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	sw knowledge add --name code --path src >/dev/null 2>&1 &&
	sw knowledge search zebra --name code --json >out &&
	expect_grep "\"kb\":\"code\"" out && expect_no_grep "\"kb\":\"docs\"" out &&
	sw knowledge search zebra --limit 1 --json >out &&
	test "$(grep -o "\"path\":" out | wc -l)" -eq 1 &&
	expect_fail 1 sw knowledge search zebra --name nope 2>err && expect_grep "no knowledge base named" err
'

sw_test 'FTS query syntax errors are reported, not crashed on' '
	mkws && sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	expect_fail 1 sw knowledge search "\"zebra" 2>err && expect_grep "invalid search query" err &&
	expect_fail 1 sw knowledge search "zebra AND" 2>err && expect_grep "invalid search query" err &&
	sw knowledge search "\"zebra installer\"" >out && expect_grep "install.md:5-7" out
'

sw_test 'a corrupt database is a clear error' '
	mkws && sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	rm -f .kiro/knowledge.db-wal .kiro/knowledge.db-shm &&
	dd if=/dev/urandom of=.kiro/knowledge.db bs=1024 count=8 conv=notrunc 2>/dev/null &&
	expect_fail 1 sw knowledge search zebra 2>err &&
	expect_grep "knowledge.db" err && expect_grep "not a usable knowledge database" err
'

sw_test 'index type best without an embedding provider fails clearly' '
	mkws && unset OPENAI_API_KEY;
	expect_fail 1 sw knowledge add --name d --path docs --index-type best 2>err &&
	expect_grep "needs an embedding provider" err &&
	expect_fail 2 sw knowledge add --name d --path docs --index-type slow 2>err &&
	sw knowledge list >out && expect_grep "no knowledge bases" out
'

sw_test 'clear needs --yes without a terminal' '
	mkws && sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	expect_fail 2 sw knowledge clear </dev/null 2>err && expect_grep "confirm with --yes" err &&
	sw knowledge clear --yes >out && expect_grep "removed 1 knowledge base" out &&
	sw knowledge list >out && expect_grep "no knowledge bases" out
'

sw_test 'add and update --json print progress events on stderr' '
	mkws && sw knowledge add --name docs --path docs --json >out 2>err &&
	expect_grep "\"event\":\"progress\"" err && expect_grep "\"files_total\":4" err &&
	python3 -c "import json; json.load(open(\"out\"))"
'

sw_test 'search runs while an update writes' '
	mkws && mkdir -p big &&
	python3 -c "
import os
for i in range(1500):
    with open(\"big/f%04d.md\" % i, \"w\") as f:
        f.write(\"# File %d\n\n\" % i + (\"quokka words for the index number %d\n\" % i) * 200)
" &&
	sw knowledge add --name docs --path docs >/dev/null 2>&1
	( sw knowledge add --name big --path big >add.out 2>add.err; echo $? >add.rc ) &
	n=0; ok=0
	while [ ! -f add.rc ] && [ $n -lt 400 ]; do
		sw knowledge search zebra >s.out 2>s.err || { cat s.err; exit 1; }
		expect_grep "install.md:5-7" s.out || exit 1
		ok=$((ok + 1)); n=$((n + 1))
	done
	wait
	test "$(cat add.rc)" = 0 && test $ok -ge 1 &&
	sw knowledge search quokka --name big --json >out && expect_grep "big/f" out
'

sw_test 'Ctrl-C during add keeps a consistent index that update finishes' '
	mkws && mkdir -p big &&
	python3 -c "
for i in range(3000):
    with open(\"big/f%04d.md\" % i, \"w\") as f:
        f.write((\"wombat text line %d\n\" % i) * 400)
"
	sw knowledge add --name big --path big --json >out 2>err & pid=$!
	while ! grep -q "files_done" err 2>/dev/null; do sleep 0.05; kill -0 $pid 2>/dev/null || break; done
	kill -INT $pid; wait $pid; rc=$?
	if [ $rc -eq 0 ]; then echo "finished before the interrupt; nothing to check" >&2; fi
	sw knowledge list --json >l.json &&
	python3 -c "
import json; d=json.load(open(\"l.json\"))[\"knowledge_bases\"]
assert len(d)==1 and d[0][\"name\"]==\"big\", d
" &&
	sw knowledge update big --json >out 2>/dev/null &&
	sw knowledge list --json >l.json &&
	python3 -c "
import json; d=json.load(open(\"l.json\"))[\"knowledge_bases\"]
assert d[0][\"files\"]==3000, d
" && sw knowledge search wombat --limit 1 >out && expect_grep "big/f" out
'

sw_test 'update FILE re-indexes or drops one file' '
	mkws && sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	printf "# API\n\nThe numbat call.\n" >docs/api.md &&
	sw knowledge update docs/api.md --json >out && expect_grep "\"knowledge_bases\":1" out &&
	sw knowledge search numbat >out && expect_grep "docs/api.md:1-3" out &&
	rm docs/api.md && sw knowledge update docs/api.md >out &&
	expect_grep "re-indexed .docs/api.md. in 1 knowledge base" out &&
	sw knowledge search numbat >out 2>err; expect_grep "no results" err &&
	printf "x\n" >elsewhere.md && sw knowledge update elsewhere.md >out &&
	expect_grep "in 0 knowledge bases" out
'

sw_test 'status, list and search without a database say so and create nothing' '
	mkdir -p .kiro &&
	sw knowledge status >out && expect_grep "^no knowledge bases" out &&
	sw knowledge status --json >out && expect_grep "\"indexed\":false" out && expect_grep "\"knowledge_bases\":0" out &&
	sw knowledge list >out && expect_grep "^no knowledge bases" out &&
	sw knowledge list --json >out && expect_grep "\"indexed\":false,\"knowledge_bases\":\[\]" out &&
	sw knowledge search zebra >out 2>err && expect_grep "no knowledge bases" err &&
	sw knowledge search zebra --json >out && expect_grep "\"results\":\[\]" out &&
	test -z "$(ls -A .kiro)"
'

# .kiro made unwritable even for root (the immutable attribute), else by mode.
ro_probe=$SW_TMP_ROOT/ro-probe
mkdir -p "$ro_probe"
if [ "$(id -u)" != 0 ]; then
	ro() { chmod a-w "$1"; }; rw() { chmod u+w "$1"; }
elif chattr +i "$ro_probe" 2>/dev/null && ! touch "$ro_probe/x" 2>/dev/null; then
	chattr -i "$ro_probe"
	ro() { chattr +i "$1"; }; rw() { chattr -i "$1" 2>/dev/null; }
else
	SW_SKIP_REASON="running as root where chattr +i is unavailable: a folder cannot be made read-only"
fi

sw_test 'a read-only .kiro: writing verbs name the folder, reading verbs still work' '
	mkws && sw knowledge add --name docs --path docs >/dev/null &&
	trap "rw .kiro" EXIT && ro .kiro &&
	expect_fail 1 sw knowledge update 2>err && expect_grep "the folder .*/\.kiro. is not writable" err &&
	expect_fail 1 sw knowledge remove docs 2>err && expect_grep "the folder .*/\.kiro. is not writable" err &&
	expect_fail 1 sw knowledge add --name more --path src 2>err && expect_grep "is not writable" err &&
	sw knowledge search installer >out && expect_grep "^docs/guide/install.md:5-7" out &&
	sw knowledge list >out && expect_grep "docs" out &&
	sw knowledge status >out && expect_grep "knowledge bases: 1" out &&
	rw .kiro && sw knowledge list >out && expect_grep "docs" out
'
SW_SKIP_REASON=

sw_test 'the database, its WAL files and its lock never show in git status' '
	git init -q . && sw init >/dev/null && mkws &&
	git add -A && git -c user.name=t -c user.email=t@t commit -qm base &&
	sw knowledge add --name docs --path docs >/dev/null && sw knowledge search zebra >/dev/null &&
	printf "more zebra\n" >>docs/api.md && git add -A && git -c user.name=t -c user.email=t@t commit -qm edit &&
	sw knowledge update >/dev/null && sw knowledge remove docs >/dev/null &&
	st=$(git status --porcelain) && echo "$st" && test -z "$st" && test -f .kiro/knowledge.db
'

sw_test 'a workspace that init did not make gets .kiro/.gitignore with the first index' '
	git init -q . && mkws && printf "/local/\n" >.kiro/.gitignore &&
	git add -A && git -c user.name=t -c user.email=t@t commit -qm base &&
	sw knowledge add --name docs --path docs >/dev/null &&
	st=$(git status --porcelain) && echo "$st" && test "$st" = " M .kiro/.gitignore" &&
	expect_grep "^/local/$" .kiro/.gitignore && expect_grep "^/knowledge.db\*$" .kiro/.gitignore
'

sw_test 'remove gives the space back: the database file shrinks' '
	mkws && mkdir big &&
	i=0; while [ $i -lt 400 ]; do
		printf "# Part %s\n\nwords alpha%s beta%s gamma%s delta%s epsilon and more text to index %s\n" $i $i $i $i $i $i >big/p$i.md
		i=$((i + 1))
	done &&
	sw knowledge add --name docs --path docs >/dev/null && sw knowledge add --name big --path big >/dev/null &&
	before=$(stat -c %s .kiro/knowledge.db) &&
	sw knowledge remove big >/dev/null && after=$(stat -c %s .kiro/knowledge.db) &&
	echo "$before -> $after" && test $((after * 2)) -lt "$before" &&
	sw knowledge search installer >out && expect_grep "install.md" out
'

sw_test 'a chunk that is only a heading ranks below chunks with text' '
	mkdir -p .kiro docs &&
	printf "# Widgets\n\n## Assembly\n\nWidgets are assembled from parts on the main line.\n\n## Storage\n\nKeep them dry.\n" >docs/guide.md &&
	printf "# Gadgets\n\nGadgets and widgets differ in size.\n" >docs/other.md &&
	sw knowledge add --name docs --path docs >/dev/null &&
	sw knowledge search widgets >out && grep "^docs/" out >hits && cat hits &&
	heading=$(grep -n "^docs/guide.md:1-1 " hits | cut -d: -f1) && body=$(grep -n "^docs/guide.md:3-5 " hits | cut -d: -f1) &&
	test -n "$heading" && test -n "$body" && test "$body" -lt "$heading" &&
	test "$(head -n 1 hits | cut -d" " -f1)" != docs/guide.md:1-1
'
