#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make install PREFIX=...: binary, man page and bash/zsh completions, each working.
. "$(dirname "$0")/lib.sh"
: "${BUILD:=$SW_TOP/build}"

install_into() {
	make -s -C "$SW_TOP" install BUILD="$BUILD" PREFIX="$1" >make.log 2>&1 || { cat make.log; return 1; }
}

sw_test 'make install puts every file in PREFIX' '
	install_into "$PWD/prefix" &&
	test -x prefix/bin/specwright &&
	prefix/bin/specwright --version | grep -q "^specwright [0-9]" &&
	test -f prefix/share/man/man1/specwright.1 &&
	test -f prefix/share/bash-completion/completions/specwright &&
	test -f prefix/share/zsh/site-functions/_specwright
'

sw_test 'the man page renders cleanly and names every command' '
	sw_require_cmd groff
	install_into "$PWD/prefix" &&
	groff -man -Tascii -P-cbou -ww prefix/share/man/man1/specwright.1 >page.txt 2>warn.txt &&
	test ! -s warn.txt && expect_grep "specwright  *-  *spec-driven  *development" page.txt &&
	prefix/bin/specwright --help | sed -n "/^commands:/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1/p" >cmds &&
	test "$(wc -l <cmds)" -ge 8 &&
	while read -r c; do
		grep -qw -- "$c" page.txt || { echo "doc/specwright.1 does not mention command $c"; exit 1; }
	done <cmds
'

# Every verb of every command group: "GROUP VERB", or VERB in a list the
# page opens with GROUP ("knowledge add, search, list").
sw_test 'the man page names every verb of every command group' '
	sw_require_cmd groff
	install_into "$PWD/prefix" &&
	groff -man -Tascii -P-cbou -ww prefix/share/man/man1/specwright.1 >page.txt 2>/dev/null &&
	prefix/bin/specwright --help | sed -n "/^commands:/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1/p" >cmds &&
	n=0 &&
	while read -r c; do
		prefix/bin/specwright "$c" --help >help 2>&1 || true
		grep -q "^commands:" help || continue
		for v in $(sed -n "/^commands:/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1/p" help); do
			n=$((n + 1))
			grep -qE "(^|[^a-z-])$c $v([^a-z-]|$)" page.txt ||
			grep -qE "^ *$c [a-z-]+,.*(^|[ ,])$v(,|$| )" page.txt ||
			{ echo "doc/specwright.1 does not mention $c $v"; exit 1; }
		done
	done <cmds &&
	test "$n" -ge 20
'

sw_test 'the README command table lists each command once' '
	sed -n "s/^| \`\([^\`]*\)\`.*/\1/p" "$SW_TOP/README.md" | sort | uniq -d >dups &&
	test "$(sed -n "s/^| \`\([^\`]*\)\`.*/\1/p" "$SW_TOP/README.md" | wc -l)" -ge 20 &&
	{ test ! -s dups || { echo "listed twice in README.md:"; cat dups; exit 1; }; }
'

sw_test 'bash completion completes commands, verbs and options from the binary' '
	install_into "$PWD/prefix" && sw init >/dev/null &&
	printf "{\"description\": \"d\"}\n" >.kiro/agents/reviewer.json &&
	cat >t.bash <<-EOF2 &&
	PATH="$PWD/prefix/bin:\$PATH"
	. prefix/share/bash-completion/completions/specwright
	t() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\$# - 1)); _specwright; echo "\${COMPREPLY[*]}"; }
	t specwright st
	t specwright steering ""
	t specwright doctor --
	t specwright agent show rev
	t specwright -C . hooks l
	complete -p specwright
	EOF2
	bash t.bash >out 2>err && test ! -s err &&
	sed -n 1p out | grep -qx "steering" &&
	sed -n 2p out | grep -qw "list" && sed -n 2p out | grep -qw "explain" &&
	sed -n 3p out | grep -q -- "--json" &&
	sed -n 4p out | grep -qx "reviewer" &&
	sed -n 5p out | grep -qx "list" &&
	expect_grep "complete -o filenames -F _specwright specwright" out
'

sw_test 'zsh completion parses and offers commands and verbs' '
	sw_require_cmd zsh
	install_into "$PWD/prefix" &&
	zsh -n prefix/share/zsh/site-functions/_specwright &&
	cat >t.zsh <<-EOF2 &&
	path=("$PWD/prefix/bin" \$path)
	_describe() { local a=\${@[-1]}; print -l -- \${(P)a}; }
	compadd() { [[ \$1 == -- ]] && shift; print -l -- "\$@"; }
	_files() { print files; }
	words=(specwright ""); CURRENT=2
	source prefix/share/zsh/site-functions/_specwright
	words=(specwright steering ""); CURRENT=3
	_specwright
	words=(specwright doctor --); CURRENT=3
	_specwright
	EOF2
	zsh -f t.zsh >out 2>err && test ! -s err &&
	expect_grep "^doctor:Validate the whole .kiro workspace" out &&
	expect_grep "^explain:Show which steering documents load" out &&
	expect_grep "^--json$" out
'
