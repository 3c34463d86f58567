#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# "best" knowledge bases: embeddings from an OpenAI-compatible /v1/embeddings
# endpoint (the scripted model server on loopback), stored in SQLite and
# fused with BM25 by reciprocal rank.
. "$(dirname "$0")/lib.sh"
. "$SW_TOP/tests/model-server/lib.sh"

mkws() {
	mkdir -p .kiro docs src
	printf '# Guide\n\n## Install\n\nRun the zebra installer.\n\n## Usage\n\nSearch with words.\n' >docs/guide.md
	printf '# API\n\nThe zebra_open call opens a zebra.\n' >docs/api.md
	printf 'int zebra_open(void)\n{\n\treturn 1;\n}\n' >src/zebra.c
	echo '{"steps": []}' >script.json
}

sw_test 'add --index-type best embeds every chunk; search fuses BM25 and cosine' '
	mkws && ms_start script.json &&
	OPENAI_BASE_URL=$MS_URL/v1 SPECWRIGHT_EMBED_MODEL=test-embed \
		sw knowledge add --name docs --path docs --index-type best --json >out &&
	expect_grep "\"embedded\":4" out &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge status --json >out && expect_grep "\"vectors\":4" out &&
	ms_request 2 >req1 && expect_grep "\"model\":\"test-embed\"" req1 &&
	expect_grep "Run the zebra installer" req1 &&
	grep -q "\"path\": \"/v1/embeddings\"" "$MS_DIR/requests.ndjson" &&
	OPENAI_BASE_URL=$MS_URL/v1 SPECWRIGHT_EMBED_MODEL=test-embed \
		sw knowledge search zebra installer --json >out &&
	expect_grep "\"ranking\":\"bm25+cosine\"" out &&
	python3 -c "
import json
r=json.load(open(\"out\"))[\"results\"]
assert r[0][\"path\"]==\"docs/guide.md\" and r[0][\"start_line\"]==3 and r[0][\"end_line\"]==5, r
" &&
	n=$(grep -c "/v1/embeddings" "$MS_DIR/requests.ndjson") && test "$n" -eq 3 &&
	ms_request 3 >req2 && expect_grep "\"input\":\[\"zebra installer\"\]" req2
'

sw_test 'the API key goes in a bearer header only' '
	mkws && ms_start script.json &&
	OPENAI_BASE_URL=$MS_URL/v1 OPENAI_API_KEY=sk-test-secret-123 \
		sw knowledge add --name docs --path docs --index-type best >/dev/null 2>err &&
	python3 -c "
import json
for l in open(\"$MS_DIR/requests.ndjson\"):
    r=json.loads(l)
    assert r[\"headers\"][\"authorization\"]==\"Bearer sk-test-secret-123\", r[\"headers\"]
" && expect_no_grep "sk-test" err
'

sw_test 'fast knowledge bases never call the embedding provider' '
	mkws && ms_start script.json &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge search zebra >out && expect_grep "docs/" out &&
	test ! -s "$MS_DIR/requests.ndjson"
'

sw_test 'a provider error fails the add clearly and leaves nothing behind' '
	mkws && cat >script.json <<-JSON &&
	{"steps": [], "embeddings": [
	  {"respond": {"status": 401, "body": {"error": {"message": "invalid api key"}}}}]}
	JSON
	ms_start script.json &&
	OPENAI_BASE_URL=$MS_URL/v1 expect_fail 1 sw knowledge add --name docs --path docs --index-type best 2>err &&
	expect_grep "answered HTTP 401: invalid api key" err &&
	sw knowledge list >out && expect_grep "no knowledge bases" out
'

sw_test 'server errors are retried' '
	mkws && cat >script.json <<-JSON &&
	{"steps": [], "embeddings": [
	  {"respond": {"status": 503, "headers": {"retry-after": "0"}, "body": {"error": "busy"}}}]}
	JSON
	ms_start script.json &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge add --name docs --path docs --index-type best --json >out &&
	expect_grep "\"embedded\":4" out && test "$(grep -c embeddings "$MS_DIR/requests.ndjson")" -eq 3
'

sw_test 'searching a best knowledge base without a provider fails, no silent fallback' '
	mkws && ms_start script.json &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge add --name docs --path docs --index-type best >/dev/null 2>&1 &&
	unset OPENAI_BASE_URL OPENAI_API_KEY;
	expect_fail 1 sw knowledge search zebra 2>err && expect_grep "needs an embedding provider" err &&
	expect_fail 1 sw knowledge update docs 2>err && expect_grep "needs an embedding provider" err
'

sw_test 'update embeds only new and changed files' '
	mkws && ms_start script.json &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge add --name docs --path docs --index-type best >/dev/null 2>&1 &&
	printf "# New\n\nfresh okapi text\n" >docs/new.md &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge update docs --json >out 2>/dev/null &&
	expect_grep "\"new\":1" out && expect_grep "\"embedded\":1" out &&
	OPENAI_BASE_URL=$MS_URL/v1 sw knowledge search okapi --json >out && expect_grep "docs/new.md" out
'
