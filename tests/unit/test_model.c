/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Model providers against the scripted model server: the three wire
 * formats, streaming and not, tool calls both ways, usage and cost,
 * retries, SigV4 headers; and the resolution of the configuration.
 */
#include "helpers/sw_test.h"
#include "helpers/model_server.h"
#include "model/model.h"
#include "base/json.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define SKIP_WITHOUT_SERVER(m) do { if (!(m)) { skip(); return; } } while (0)

struct collected {
	struct sw_buf text;
	struct sw_buf tools;
	int retries;
};

static void on_text(void *data, const char *s, size_t len)
{
	struct collected *c = data;

	sw_buf_add(&c->text, s, len);
}

static void on_tool(void *data, const char *id, const char *name)
{
	struct collected *c = data;

	sw_buf_addf(&c->tools, "%s:%s,", id, name);
}

static void on_retry(void *data, int attempt, long delay, const struct sw_error *why)
{
	struct collected *c = data;

	SW_UNUSED(attempt);
	SW_UNUSED(delay);
	SW_UNUSED(why);
	c->retries++;
}

/* Resolves a configuration from @env (NULL-terminated) with a workspace holding @settings. */
static struct model_config *resolve(const char *const *env, const char *settings, const char *model,
				    char **dir_out)
{
	struct model_config_opts o = MODEL_CONFIG_OPTS_INIT;
	struct model_config *cfg = NULL;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir();

	if (settings)
		sw_test_write(dir, ".kiro/settings/specwright.json", settings);
	o.env = env;
	o.root = dir;
	o.home = dir; /* no global settings, no ~/.aws */
	o.model = model;
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	*dir_out = dir;
	return cfg;
}

static cJSON *conversation(const char *text)
{
	cJSON *msgs = cJSON_CreateArray();

	model_add_user_text(msgs, text);
	return msgs;
}

static cJSON *read_tool(void)
{
	cJSON *tools = NULL;
	struct sw_error err = SW_ERROR_INIT;
	const char *t = "[{\"name\":\"fs_read\",\"description\":\"read a file\","
			"\"input_schema\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}}]";

	assert_sw_ok(sw_json_parse(&tools, t, strlen(t), &err), &err);
	return tools;
}

static const char *block_field(const cJSON *msg, int i, const char *key)
{
	const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(msg, "content"), i);
	const cJSON *v = cJSON_GetObjectItem(b, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One scripted step through one provider, streamed or not. */
static void run_tool_turn(const char *provider, int stream)
{
	struct sw_buf script = SW_BUF_INIT, env_url = SW_BUF_INIT, settings = SW_BUF_INIT;
	struct ms *m;
	struct model_config *cfg;
	struct model_response resp;
	struct model_request req = { "be brief", NULL, NULL, 0 };
	struct model_stream_cb cb = { on_text, NULL, on_tool, on_retry, NULL };
	struct collected col = { SW_BUF_INIT, SW_BUF_INIT, 0 };
	struct sw_error err = SW_ERROR_INIT;
	char *dir = NULL;
	const cJSON *input;
	const char *env[8];
	int n = 0;

	sw_buf_addf(&script, "{\"steps\":[{\"expect\":{\"tools\":[\"fs_read\"],\"system_contains\":[\"be brief\"],"
		    "\"last_user_contains\":[\"read it\"],\"stream\":%s},"
		    "\"respond\":{\"text\":\"Reading the file now.\",\"tool_calls\":[{\"id\":\"call_1\","
		    "\"name\":\"fs_read\",\"input\":{\"path\":\"notes.txt\"}}],"
		    "\"usage\":{\"input\":1000,\"output\":200,\"cache_read\":500}}}]}",
		    stream ? "true" : "false");
	m = ms_start(script.ptr);
	SKIP_WITHOUT_SERVER(m);
	if (!strcmp(provider, "anthropic")) {
		sw_buf_addf(&env_url, "ANTHROPIC_BASE_URL=%s", m->url);
		env[n++] = "ANTHROPIC_API_KEY=sk-ant-test-key";
	} else if (!strcmp(provider, "openai")) {
		sw_buf_addf(&env_url, "OPENAI_BASE_URL=%s/v1", m->url);
		env[n++] = "OPENAI_API_KEY=sk-test-openai";
	} else {
		sw_buf_addf(&env_url, "AWS_ENDPOINT_URL=%s", m->url);
		env[n++] = "AWS_ACCESS_KEY_ID=AKIDTEST";
		env[n++] = "AWS_SECRET_ACCESS_KEY=secrettest";
		env[n++] = "AWS_SESSION_TOKEN=tokentest";
		env[n++] = "AWS_REGION=eu-west-1";
	}
	env[n++] = env_url.ptr;
	env[n] = NULL;
	sw_buf_addf(&settings, "{\"model\":\"%s/test-model\",\"stream\":%s,"
		    "\"prices\":{\"%s/test-model\":{\"input\":2,\"output\":10,\"cacheRead\":0.5}}}",
		    provider, stream ? "true" : "false", provider);
	cfg = resolve(env, settings.ptr, NULL, &dir);
	req.messages = conversation("please read it");
	req.tools = read_tool();
	cb.data = &col;
	memset(&resp, 0, sizeof(resp));
	assert_sw_ok(model_complete(&resp, cfg, &req, &cb, &err), &err);
	ms_assert_clean(m);
	assert_string_equal(col.text.ptr, "Reading the file now.");
	assert_string_equal(col.tools.ptr, "call_1:fs_read,");
	assert_string_equal(resp.stop_reason, "tool_use");
	assert_string_equal(block_field(resp.message, 0, "type"), "text");
	assert_string_equal(block_field(resp.message, 1, "type"), "tool_use");
	assert_string_equal(block_field(resp.message, 1, "id"), "call_1");
	input = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(resp.message, "content"), 1), "input");
	assert_string_equal(cJSON_GetObjectItem(input, "path")->valuestring, "notes.txt");
	assert_int_equal(resp.usage.input, 1000);
	assert_int_equal(resp.usage.output, 200);
	assert_int_equal(resp.usage.cache_read, 500);
	/* (1000 * 2 + 200 * 10 + 500 * 0.5) / 1e6 */
	assert_true(resp.usage.cost > 0.004249 && resp.usage.cost < 0.004251);
	if (!strcmp(provider, "bedrock")) {
		struct sw_buf reqs = SW_BUF_INIT;

		ms_read(m, "requests.ndjson", &reqs);
		assert_non_null(strstr(reqs.ptr, "AWS4-HMAC-SHA256 Credential=AKIDTEST/"));
		assert_non_null(strstr(reqs.ptr, "/eu-west-1/bedrock/aws4_request"));
		assert_non_null(strstr(reqs.ptr, "\"x-amz-date\""));
		assert_non_null(strstr(reqs.ptr, "\"x-amz-security-token\": \"tokentest\""));
		assert_null(strstr(reqs.ptr, "secrettest"));
		assert_non_null(strstr(reqs.ptr, stream ? "/model/test-model/converse-stream" : "/model/test-model/converse\""));
		sw_buf_release(&reqs);
	}
	model_response_release(&resp);
	cJSON_Delete((cJSON *)req.messages);
	cJSON_Delete((cJSON *)req.tools);
	model_config_free(cfg);
	sw_test_rmtree(dir);
	free(dir);
	sw_buf_release(&col.text);
	sw_buf_release(&col.tools);
	sw_buf_release(&script);
	sw_buf_release(&env_url);
	sw_buf_release(&settings);
	ms_stop(m);
}

static void model__anthropic_stream(void **s) { SW_UNUSED(s); run_tool_turn("anthropic", 1); }
static void model__anthropic_plain(void **s) { SW_UNUSED(s); run_tool_turn("anthropic", 0); }
static void model__openai_stream(void **s) { SW_UNUSED(s); run_tool_turn("openai", 1); }
static void model__openai_plain(void **s) { SW_UNUSED(s); run_tool_turn("openai", 0); }
static void model__bedrock_stream(void **s) { SW_UNUSED(s); run_tool_turn("bedrock", 1); }
static void model__bedrock_plain(void **s) { SW_UNUSED(s); run_tool_turn("bedrock", 0); }

/* A tool result goes back in each provider's own shape. */
static void model__tool_results_round_trip(void **state)
{
	static const char *providers[] = { "anthropic", "openai", "bedrock" };
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(providers); i++) {
		struct ms *m = ms_start("{\"steps\":[{\"expect\":{\"tool_result_contains\":[\"file body 42\"],"
					"\"contains\":[\"call_9\"]},\"respond\":{\"text\":\"done\"}}]}");
		struct sw_buf url = SW_BUF_INIT;
		const char *env[6] = { "ANTHROPIC_API_KEY=k", "AWS_ACCESS_KEY_ID=A", "AWS_SECRET_ACCESS_KEY=B", NULL, NULL, NULL };
		struct model_config *cfg;
		struct model_response resp;
		struct model_request req = { NULL, NULL, NULL, 0 };
		struct sw_error err = SW_ERROR_INIT;
		cJSON *msgs = NULL;
		char *dir = NULL, model[64];
		const char *conv = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"go\"}]},"
				   "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"call_9\","
				   "\"name\":\"fs_read\",\"input\":{\"path\":\"a\"}}]},"
				   "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_9\","
				   "\"content\":\"file body 42\"}]}]";

		SKIP_WITHOUT_SERVER(m);
		sw_buf_addf(&url, "%s=%s%s", i == 0 ? "ANTHROPIC_BASE_URL" : i == 1 ? "OPENAI_BASE_URL" : "AWS_ENDPOINT_URL",
			    m->url, i == 1 ? "/v1" : "");
		env[3] = url.ptr;
		snprintf(model, sizeof(model), "%s/m", providers[i]);
		cfg = resolve(env, NULL, model, &dir);
		assert_sw_ok(sw_json_parse(&msgs, conv, strlen(conv), &err), &err);
		req.messages = msgs;
		req.tools = read_tool();
		memset(&resp, 0, sizeof(resp));
		assert_sw_ok(model_complete(&resp, cfg, &req, NULL, &err), &err);
		ms_assert_clean(m);
		assert_string_equal(resp.stop_reason, "end_turn");
		model_response_release(&resp);
		cJSON_Delete(msgs);
		cJSON_Delete((cJSON *)req.tools);
		model_config_free(cfg);
		sw_test_rmtree(dir);
		free(dir);
		sw_buf_release(&url);
		ms_stop(m);
	}
}

static void model__retries_429_then_succeeds(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"respond\":{\"status\":429,\"headers\":{\"retry-after\":\"0\"}}},"
				"{\"respond\":{\"status\":503}},{\"respond\":{\"text\":\"third time\"}}]}");
	struct sw_buf url = SW_BUF_INIT;
	const char *env[3] = { "ANTHROPIC_API_KEY=k", NULL, NULL };
	struct model_config *cfg;
	struct model_response resp;
	struct model_request req = { NULL, NULL, NULL, 0 };
	struct model_stream_cb cb = { on_text, NULL, on_tool, on_retry, NULL };
	struct collected col = { SW_BUF_INIT, SW_BUF_INIT, 0 };
	struct sw_error err = SW_ERROR_INIT;
	char *dir = NULL;

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	sw_buf_addf(&url, "ANTHROPIC_BASE_URL=%s", m->url);
	env[1] = url.ptr;
	cfg = resolve(env, "{\"retryBaseMs\":10}", "anthropic/m", &dir);
	req.messages = conversation("hi");
	cb.data = &col;
	memset(&resp, 0, sizeof(resp));
	assert_sw_ok(model_complete(&resp, cfg, &req, &cb, &err), &err);
	assert_int_equal(resp.attempts, 3);
	assert_int_equal(col.retries, 2);
	assert_string_equal(col.text.ptr, "third time");
	model_response_release(&resp);
	/* With no retries left the error names the status and the provider's message. */
	cfg->retries = 0;
	ms_stop(m);
	m = ms_start("{\"steps\":[{\"respond\":{\"status\":429,\"body\":{\"type\":\"error\",\"error\":"
		     "{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}}}]}");
	sw_buf_reset(&url);
	sw_buf_addf(&url, "%s", m->url);
	free(cfg->base_url);
	cfg->base_url = sw_xstrdup(url.ptr);
	assert_int_equal(model_complete(&resp, cfg, &req, &cb, &err), SW_EIO);
	assert_non_null(strstr(err.msg, "HTTP 429"));
	assert_non_null(strstr(err.msg, "rate_limit_error: slow down"));
	cJSON_Delete((cJSON *)req.messages);
	model_config_free(cfg);
	sw_test_rmtree(dir);
	free(dir);
	sw_buf_release(&url);
	sw_buf_release(&col.text);
	sw_buf_release(&col.tools);
	ms_stop(m);
}

static void model__truncated_stream_is_an_error(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"respond\":{\"text\":\"partial\",\"close_early\":true}}]}");
	struct sw_buf url = SW_BUF_INIT;
	const char *env[3] = { "OPENAI_API_KEY=k", NULL, NULL };
	struct model_config *cfg;
	struct model_response resp;
	struct model_request req = { NULL, NULL, NULL, 0 };
	struct sw_error err = SW_ERROR_INIT;
	char *dir = NULL;

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	sw_buf_addf(&url, "OPENAI_BASE_URL=%s/v1", m->url);
	env[1] = url.ptr;
	cfg = resolve(env, NULL, "openai/m", &dir);
	req.messages = conversation("hi");
	memset(&resp, 0, sizeof(resp));
	/* Text was streamed already, so it is not retried. */
	assert_int_equal(model_complete(&resp, cfg, &req, NULL, &err), SW_EPROTO);
	assert_non_null(strstr(err.msg, "ended before the reply was complete"));
	cJSON_Delete((cJSON *)req.messages);
	model_config_free(cfg);
	sw_test_rmtree(dir);
	free(dir);
	sw_buf_release(&url);
	ms_stop(m);
}

static void model__config_resolution(void **state)
{
	struct model_config_opts o = MODEL_CONFIG_OPTS_INIT;
	struct model_config *cfg = NULL;
	struct sw_error err = SW_ERROR_INIT;
	const char *none[] = { "PATH=/bin", NULL };
	const char *ant[] = { "ANTHROPIC_API_KEY=sk-ant-x", NULL };
	const char *local[] = { NULL };
	char *dir = sw_test_tmpdir();

	SW_UNUSED(state);
	o.home = dir;
	o.root = dir;
	o.env = none;
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "ANTHROPIC_API_KEY"));
	assert_non_null(strstr(err.msg, "OPENAI_API_KEY"));
	assert_non_null(strstr(err.msg, "AWS_ACCESS_KEY_ID"));
	assert_non_null(strstr(err.msg, "--model"));

	/* A key alone picks its provider and a default model. */
	o.env = ant;
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_string_equal(cfg->provider_name, "anthropic");
	assert_string_equal(cfg->base_url, "https://api.anthropic.com");
	assert_true(cfg->price_in > 0);
	model_config_free(cfg);

	/* --model beats the agent, which beats the settings file. */
	sw_test_write(dir, ".kiro/settings/specwright.json", "{\"model\":\"openai/from-file\"}");
	o.model = "anthropic/from-flag";
	o.agent_model = "anthropic/from-agent";
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_string_equal(cfg->model, "from-flag");
	assert_string_equal(cfg->source, "--model");
	model_config_free(cfg);
	o.model = NULL;
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_string_equal(cfg->model, "from-agent");
	model_config_free(cfg);
	o.agent_model = NULL;
	/* openai/ without a key against the default endpoint says what is missing. */
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "OPENAI_API_KEY"));

	/* A local server alias needs no key. */
	o.env = local;
	o.model = "ollama/llama3.2";
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_string_equal(cfg->provider_name, "openai");
	assert_string_equal(cfg->base_url, "http://127.0.0.1:11434/v1");
	assert_null(cfg->api_key);
	assert_true(cfg->price_in == 0);
	model_config_free(cfg);

	/* A malformed settings file is reported with its path and position. */
	sw_test_write(dir, ".kiro/settings/specwright.json", "{\"model\": \"x\",\n \"retries\": }");
	o.model = NULL;
	o.env = ant;
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_EINVAL);
	assert_non_null(strstr(err.path, "specwright.json"));
	assert_int_equal(err.line, 2);
	sw_test_write(dir, ".kiro/settings/specwright.json", "{\"retries\": \"many\"}");
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_EINVAL);
	assert_non_null(strstr(err.msg, "$.retries"));

	/* Bedrock from a profile file. */
	sw_test_write(dir, ".aws/credentials", "[dev]\naws_access_key_id = AKIDPROF\naws_secret_access_key=s3cr3t\n");
	sw_test_write(dir, ".aws/config", "[profile dev]\nregion = ap-south-1\n");
	sw_test_write(dir, ".kiro/settings/specwright.json", "{}");
	{
		const char *aws[] = { "AWS_PROFILE=dev", NULL };

		o.env = aws;
		o.model = "bedrock/amazon.nova-lite-v1:0";
		assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
		assert_string_equal(cfg->aws_access_key, "AKIDPROF");
		assert_string_equal(cfg->region, "ap-south-1");
		assert_string_equal(cfg->base_url, "https://bedrock-runtime.ap-south-1.amazonaws.com");
		assert_true(cfg->price_in > 0.05 && cfg->price_in < 0.07);
		model_config_free(cfg);
	}
	sw_test_rmtree(dir);
	free(dir);
}

/* An unknown provider is an error naming it; "auto" is mapped to the configured default, or named. */
static void model__unknown_provider_and_auto(void **state)
{
	struct model_config_opts o = MODEL_CONFIG_OPTS_INIT;
	struct model_config *cfg = NULL;
	struct sw_error err = SW_ERROR_INIT;
	const char *none[] = { NULL };
	const char *both[] = { "ANTHROPIC_API_KEY=sk-ant-x", "OPENAI_BASE_URL=http://127.0.0.1:1/v1", NULL };
	char *dir = sw_test_tmpdir();

	SW_UNUSED(state);
	o.home = dir;
	o.root = dir;
	o.env = both;
	o.model = "nosuch/m";
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_EINVAL);
	assert_null(cfg);
	assert_non_null(strstr(err.msg, "unknown model provider 'nosuch' in --model nosuch/m"));
	assert_non_null(strstr(err.msg, "anthropic, openai, bedrock"));
	o.model = NULL;
	o.agent_model = "NoSuch/m";
	o.agent_name = "reviewer";
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_EINVAL);
	assert_non_null(strstr(err.msg, "unknown model provider 'nosuch' in agent 'reviewer'"));
	/* A slash after a ':' is part of an id (an ARN), not a provider. */
	o.agent_model = "arn:aws:bedrock:us-east-1:1:inference-profile/x";
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_string_equal(cfg->model, "arn:aws:bedrock:us-east-1:1:inference-profile/x");
	model_config_free(cfg);

	/* "auto" from the agent: the provider whose key is set, with a note. */
	o.agent_model = "auto";
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_string_equal(cfg->provider_name, "anthropic");
	assert_string_equal(cfg->model, "claude-sonnet-4-5");
	assert_non_null(cfg->note);
	assert_non_null(strstr(cfg->note, "agent 'reviewer': model 'auto' mapped to anthropic/claude-sonnet-4-5"));
	model_config_free(cfg);
	/* ... or the settings' model. */
	sw_test_write(dir, ".kiro/settings/specwright.json", "{\"model\":\"openai/from-file\"}");
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_string_equal(cfg->provider_name, "openai");
	assert_string_equal(cfg->model, "from-file");
	assert_non_null(strstr(cfg->note, "mapped to openai/from-file (from "));
	model_config_free(cfg);
	/* A named model gets no note. */
	o.agent_model = "anthropic/named";
	assert_sw_ok(model_config_resolve(&cfg, &o, &err), &err);
	assert_null(cfg->note);
	model_config_free(cfg);

	/* Nothing configured: the error names the agent and 'auto', or the model asked for. */
	sw_test_write(dir, ".kiro/settings/specwright.json", "{}");
	o.env = none;
	o.agent_model = "auto";
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "agent 'reviewer': model 'auto'"));
	assert_non_null(strstr(err.msg, "ANTHROPIC_API_KEY"));
	assert_null(strstr(err.msg, "no model provider is configured"));
	o.agent_model = "claude-sonnet-4";
	assert_int_equal(model_config_resolve(&cfg, &o, &err), SW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "agent 'reviewer' (\"model\": \"claude-sonnet-4\") names no provider"));
	sw_test_rmtree(dir);
	free(dir);
}

/* A port nobody listens on: a loopback port bound and closed again. */
static int closed_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Connection refused is retried once, without the backoff, and the error counts the attempts. */
static void model__refused_connection_is_retried_once(void **state)
{
	struct sw_buf url = SW_BUF_INIT;
	const char *env[3] = { "ANTHROPIC_API_KEY=k", NULL, NULL };
	struct model_config *cfg;
	struct model_response resp;
	struct model_request req = { NULL, NULL, NULL, 0 };
	struct model_stream_cb cb = { on_text, NULL, on_tool, on_retry, NULL };
	struct collected col = { SW_BUF_INIT, SW_BUF_INIT, 0 };
	struct sw_error err = SW_ERROR_INIT;
	char *dir = NULL;

	SW_UNUSED(state);
	sw_buf_addf(&url, "ANTHROPIC_BASE_URL=http://127.0.0.1:%d", closed_port());
	env[1] = url.ptr;
	cfg = resolve(env, NULL, "anthropic/m", &dir);
	assert_int_equal(cfg->retries, 4);
	req.messages = conversation("hi");
	cb.data = &col;
	memset(&resp, 0, sizeof(resp));
	assert_int_equal(model_complete(&resp, cfg, &req, &cb, &err), SW_EIO);
	assert_int_equal(col.retries, 1);
	assert_non_null(strstr(err.msg, "(2 attempts"));
	cJSON_Delete((cJSON *)req.messages);
	model_config_free(cfg);
	sw_test_rmtree(dir);
	free(dir);
	sw_buf_release(&url);
	sw_buf_release(&col.text);
	sw_buf_release(&col.tools);
}

static void model__usage_sums_and_formats(void **state)
{
	struct model_usage a = { 1000, 200, 50, 0, 0.01, 1 }, b = { 20000, 300, 0, 10, 0.02, 1 }, sum;
	struct sw_buf out = SW_BUF_INIT;

	SW_UNUSED(state);
	memset(&sum, 0, sizeof(sum));
	model_usage_add(&sum, &a);
	model_usage_add(&sum, &b);
	assert_int_equal(sum.input, 21000);
	assert_int_equal(sum.calls, 2);
	model_usage_format(&out, &sum);
	assert_string_equal(out.ptr, "21.0k in, 500 out, 50 cache read, 10 cache write, $0.0300");
	sw_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(model__anthropic_stream),
		cmocka_unit_test(model__anthropic_plain),
		cmocka_unit_test(model__openai_stream),
		cmocka_unit_test(model__openai_plain),
		cmocka_unit_test(model__bedrock_stream),
		cmocka_unit_test(model__bedrock_plain),
		cmocka_unit_test(model__tool_results_round_trip),
		cmocka_unit_test(model__retries_429_then_succeeds),
		cmocka_unit_test(model__truncated_stream_is_an_error),
		cmocka_unit_test(model__config_resolution),
		cmocka_unit_test(model__unknown_provider_and_auto),
		cmocka_unit_test(model__refused_connection_is_retried_once),
		cmocka_unit_test(model__usage_sums_and_formats),
	};
	return sw_run_group("model", tests);
}
