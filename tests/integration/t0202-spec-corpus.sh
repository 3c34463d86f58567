#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every spec of the shared corpus of real .kiro folders: it loads without a
# crash, and the only errors are the known defects of those files (each
# listed below with its reason).  Skips cleanly when the corpus is absent.
. "$(dirname "$0")/lib.sh"
sw_skip_unless_shared

CORPUS=$SW_SHARED/corpus

# Errors the engine reports on corpus files, one "file-suffix:line:col code" each.  These are
# defects of the files themselves; README.md (Specs) gives the reason for each.
known_errors() {
	cat <<'LIST'
49LabsAI__SovSeal/.kiro/specs/lockdrop-app/tasks.md trace-unknown-criterion 12
JoEz89__Kiro-AutismCenter/.kiro/specs/autism-center-website/tasks.md trace-unknown-criterion 15
Ryotaverse69__suptia-kiro/.kiro/specs/suptia-frontend-ui-ux/requirements.md ears-no-shall 32
zxj6827111-blip__KIROGOVCOMPARE/.kiro/specs/gov-report-diff/requirements.md ears-no-shall 3
zxj6827111-blip__KIROGOVCOMPARE/.kiro/specs/gov-report-diff/tasks.md trace-unknown-criterion 12
LIST
}

sw_test 'every corpus spec folder loads; errors are exactly the known defects' '
	n=0
	for d in $(cd "$CORPUS" && find . -mindepth 4 -maxdepth 4 -type d \( -path "*/.kiro/specs/*" -o -path "*/.kiro/plans/*" \) | sort); do
		n=$((n + 1))
		st=0; ( cd "$CORPUS" && "$SPECWRIGHT" spec lint --json "${d#./}" ) >out.json 2>err || st=$?
		[ $st -le 1 ] || { echo "exit $st on $d"; cat err; exit 1; }
		python3 -c "
import json,sys
d=json.load(open(\"out.json\"))
for g in d[\"diagnostics\"]:
    if g[\"severity\"]==\"error\": print(g[\"path\"], g[\"code\"])
" >>errors
	done
	test "$n" -ge 35 &&
	sort errors | uniq -c | awk "{print \$2, \$3, \$1}" >got &&
	known_errors | sort >want &&
	diff want got
'

sw_test 'variant files (tasks-es.md, requirements-es.md, design-v2.md, ...) lint on their own' '
	for f in $(cd "$CORPUS" && find . -path "*/.kiro/specs/*" -name "*.md" | grep -E "/(requirements|bugfix|design|tasks)[^/]+\.md$" | sort); do
		st=0; ( cd "$CORPUS" && "$SPECWRIGHT" spec lint "${f#./}" ) >out 2>err || st=$?
		[ $st -eq 0 ] || { echo "exit $st on $f"; cat err; exit 1; }
	done
'

sw_test 'show, trace, next and waves run on every corpus spec' '
	for d in $(cd "$CORPUS" && find . -mindepth 4 -maxdepth 4 -type d -path "*/.kiro/specs/*" | sort); do
		for v in show trace waves next; do
			st=0; ( cd "$CORPUS" && "$SPECWRIGHT" spec $v --json "${d#./}" ) >out.json 2>err || st=$?
			if [ $st -ne 0 ]; then
				# only "no tasks.md yet" may fail, for next and waves
				grep -q "has no tasks.md" err || { echo "$v $d: exit $st"; cat err; exit 1; }
				continue
			fi
			python3 -c "import json; json.load(open(\"out.json\"))" || { echo "$v $d: bad json"; exit 1; }
		done
	done
'

sw_test 'the Kiro waves graph of a corpus spec is read as written' '
	d=AWS-Builders-League__BTG-ConnectAI/.kiro/specs/btg-connect-ai-mvp
	( cd "$CORPUS" && "$SPECWRIGHT" spec waves --json "$d" ) >w.json &&
	python3 -c "
import json; w=json.load(open(\"w.json\"))
assert len(w[\"file\"])==11, len(w[\"file\"])
assert w[\"file\"][1][\"tasks\"]==[\"1.2\",\"2.1\"]
" &&
	( cd "$CORPUS" && "$SPECWRIGHT" spec show --json "$d" ) >s.json &&
	python3 -c "
import json; s=json.load(open(\"s.json\"))
assert s[\"config\"][\"specType\"]==\"feature\"
assert all(t[\"status\"]==\"done\" for t in s[\"tasks\"] if t[\"parent\"] is not None)
"
'
