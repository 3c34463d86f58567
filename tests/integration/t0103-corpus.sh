#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every .kiro file of ../shared/corpus loads, and doctor reports exactly the
# configuration diagnostics recorded in tests/fixtures/kiro/corpus-doctor.expected
# (each one justified there by what Kiro does with the file); spec findings come
# from the specs engine and are checked by its own tests.  Each corpus repository
# becomes a workspace in a temporary folder (its .kiro copied, nothing else).
. "$(dirname "$0")/lib.sh"
sw_skip_unless_shared
fixtures=$SW_TOP/tests/fixtures/kiro

copy_corpus() {
	for repo in "$SW_SHARED"/corpus/*/; do
		[ -d "$repo.kiro" ] || continue
		name=$(basename "$repo")
		mkdir -p "ws/$name" && cp -R "$repo.kiro" "ws/$name/" || return 1
	done
	mkdir -p out
}

sw_test 'doctor on every corpus workspace gives exactly the expected diagnostics' '
	copy_corpus &&
	for ws in ws/*/; do
		name=$(basename "$ws")
		sw -C "$ws" doctor --json >"out/$name.doctor.json" 2>"out/$name.err"; rc=$?
		[ "$rc" -le 1 ] || { echo "doctor exited $rc on $name"; cat "out/$name.err"; exit 1; }
		sw -C "$ws" doctor >/dev/null 2>&1; [ $? -eq "$rc" ] || { echo "text and --json disagree on $name"; exit 1; }
	done &&
	test "$(ls out/*.doctor.json | wc -l)" -ge 20 &&
	python3 "$fixtures/corpus-check.py" doctor out "$fixtures/corpus-doctor.expected" ${SW_CORPUS_WRITE:+--write}
'

sw_test 'every corpus steering, hook, agent and mcp.json file loads' '
	copy_corpus &&
	for ws in ws/*/; do
		name=$(basename "$ws")
		for what in steering hooks mcp; do
			sw -C "$ws" $what list --json >"out/$name.$what.json" || [ $? -eq 1 ] || exit 1
		done
		sw -C "$ws" agent list --json >"out/$name.agents.json" || [ $? -eq 1 ] || exit 1
	done &&
	python3 "$fixtures/corpus-check.py" loaded out "$SW_SHARED/corpus"
'

sw_test 'corpus configuration Kiro accepts gives no error' '
	copy_corpus &&
	for ws in ws/*/; do
		sw -C "$ws" doctor --json >"out/$(basename "$ws").doctor.json" || [ $? -eq 1 ] || exit 1
	done &&
	python3 "$fixtures/corpus-check.py" clean out 2025-Japan-AWS-Jr-Champions__cursed-kirosh \
		3CBolt__promptpractice-kiro 49LabsAI__SovSeal 4regab__deepterm-kiroween AStandal__cm-mvp \
		AWS-Builders-League__BTG-ConnectAI AWS13th-Final-Project-BADA__BADA FouadABT__kiroween-dashtact \
		Ryotaverse69__suptia-kiro Wirasm__kiro-hack-test felipemacedo1__meu_treino \
		rongma1sheng__kiro-intelligent-dev-assistant zxj6827111-blip__KIROGOVCOMPARE 220631948__cape-connect \
		108yen__task-orchestrator-mcp JoEz89__Kiro-AutismCenter belmiro-kunga__hemera-onboard-flow \
		kirodotdev__KiroCrew mberjans__CAAIN_Soil_Hub_ChatGPT_Kiro michaelada__holism-aws-framework
'

sw_test 'doctor lints the specs of a corpus workspace too' '
	copy_corpus &&
	sw -C ws/kirodotdev__KiroCrew doctor --json >out/k.json &&
	python3 -c "import json; d=json.load(open(\"out/k.json\")); assert d[\"checked\"][\"specs\"]==1, d[\"checked\"]" &&
	{ sw -C ws/Ryotaverse69__suptia-kiro doctor >out/r 2>out/e || [ $? -eq 1 ]; } &&
	expect_grep "^\.kiro/specs/.*: error: .*\[ears-no-shall\]" out/e
'

sw_test 'steering explain on the corpus: fileMatch, braces and AGENTS-less workspaces' '
	copy_corpus &&
	sw -C ws/FouadABT__kiroween-dashtact steering explain backend/src/landing/x.ts >out/e &&
	expect_grep "loads  *\.kiro/steering/landing-page-cms.md  *fileMatchPattern" out/e &&
	expect_grep "skipped  *\.kiro/steering/activity-log-system.md" out/e &&
	expect_grep "on request \.kiro/steering/context-awareness.md" out/e &&
	sw -C ws/AWS-Builders-League__BTG-ConnectAI steering explain cloudformation/stacks/api.yaml >out/e &&
	expect_grep "loads  *\.kiro/steering/cloudformation-guide.md" out/e
'
