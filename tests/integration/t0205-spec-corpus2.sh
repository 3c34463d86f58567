#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The second corpus (tests/fixtures/corpus2: spec folders of fourteen public
# repositories that no other test uses, linted cold): every folder loads, the
# errors are exactly those of tests/fixtures/corpus2/expected-errors (each a
# defect of the file, with its reason there), and every FOR ALL criterion is
# classed property and linked to the design properties that validate it.
. "$(dirname "$0")/lib.sh"

CORPUS=$SW_TOP/tests/fixtures/corpus2

spec_dirs() {
	( cd "$CORPUS" && find . -mindepth 4 -maxdepth 4 -type d -path "*/.kiro/specs/*" | sed "s|^\./||" | sort )
}

sw_test 'every corpus2 spec folder loads; errors are exactly the expected defects' '
	n=0
	for d in $(spec_dirs); do
		n=$((n + 1))
		st=0; ( cd "$CORPUS" && "$SPECWRIGHT" spec lint --json "$d" ) >out.json 2>err || st=$?
		[ $st -le 1 ] || { echo "exit $st on $d"; cat err; exit 1; }
		python3 -c "
import json
d=json.load(open(\"out.json\"))
for g in d[\"diagnostics\"]:
    if g[\"severity\"]==\"error\": print(\"%s:%d:%d %s\" % (g[\"path\"], g[\"line\"], g[\"col\"], g[\"code\"]))
" >>errors || exit 1
	done
	test "$n" -ge 50 &&
	sort errors >got &&
	grep -v "^#" "$CORPUS/expected-errors" | grep . | sort >want &&
	diff want got
'

sw_test 'every FOR ALL criterion of corpus2 is a property, linked to the design' '
	for d in $(spec_dirs); do
		( cd "$CORPUS" && "$SPECWRIGHT" spec show --json "$d" ) >"show-$(echo "$d" | tr / _).json" || exit 1
	done &&
	python3 -c "
import glob, json, re
n = linked = 0
for f in glob.glob(\"show-*.json\"):
    d = json.load(open(f))
    for r in d[\"requirements\"]:
        for c in r[\"criteria\"]:
            if re.match(r\"\s*FOR ALL\b\", c[\"text\"]):
                n += 1
                assert c[\"ears\"] == \"property\", (d[\"name\"], c[\"id\"], c[\"ears\"])
                linked += bool(c[\"properties\"])
            elif c[\"ears\"] == \"property\":
                raise SystemExit(\"%s %s: property without FOR ALL\" % (d[\"name\"], c[\"id\"]))
assert n >= 17, n
assert linked >= 15, linked
print(n, \"FOR ALL criteria,\", linked, \"linked to a correctness property\")
"
'

sw_test 'a spec whose requirements number nothing: one warning per citing file, no error' '
	d=anqianqianqi__Henry-s-math-classroom-Kiro/.kiro/specs/class-occurrences-materials
	( cd "$CORPUS" && "$SPECWRIGHT" spec lint --json "$d" ) >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
u = [g for g in d[\"diagnostics\"] if g[\"code\"] == \"trace-untraceable\"]
assert d[\"errors\"] == 0, d[\"errors\"]
assert sorted(g[\"path\"].rsplit(\"/\", 1)[1] for g in u) == [\"design.md\", \"tasks.md\"], u
assert all(g[\"severity\"] == \"warning\" for g in u)
"
'
