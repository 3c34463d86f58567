// SPDX-License-Identifier: Apache-2.0
/*
 * resume.c - going on with a run (orch.h, orch_resume_load): its journal's
 * plan record gives the spec, the options and the tasks; the tasks the
 * journal shows done are left out.
 */
#include "dispatch/orch.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "dispatch/journal.h"

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static void jstrings(struct sw_strvec *out, const cJSON *a)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, a)
		if (cJSON_IsString(x))
			sw_strvec_push(out, x->valuestring);
}

int orch_resume_load(struct orch_resume *r, const char *kiro_dir, const char *id, struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	const cJSON *rec, *plan = NULL, *opts, *t;
	struct sw_strvec done = SW_STRVEC_INIT;
	char *pidfile;
	int rc;

	memset(r, 0, sizeof(*r));
	r->opts = (struct orch_opts)ORCH_OPTS_INIT;
	r->remaining = r->agent_argv = r->trust = (struct sw_strvec)SW_STRVEC_INIT;
	if (!*id || strchr(id, '/') || id[0] == '.')
		return sw_error_set(err, SW_EINVAL, "'%s' is not a run: expected a folder name under .kiro/runs", id);
	sw_buf_addf(&b, "%s/runs/%s", kiro_dir, id);
	if (!sw_is_dir(b.ptr)) {
		sw_buf_release(&b);
		return sw_error_set(err, SW_ENOTFOUND, "no run '%s' under .kiro/runs (see 'specwright run list')", id);
	}
	pidfile = sw_path_join(b.ptr, "pid");
	{
		struct sw_buf pb = SW_BUF_INIT;
		long pid = 0;

		if (sw_read_file(&pb, pidfile, 64, NULL) == 0)
			pid = strtol(pb.ptr, NULL, 10);
		sw_buf_release(&pb);
		if (pid > 1 && pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) {
			free(pidfile);
			sw_buf_release(&b);
			return sw_error_set(err, SW_ECONFLICT, "run '%s' is still going (pid %ld)", id, pid);
		}
	}
	free(pidfile);
	sw_buf_adds(&b, "/journal.ndjson");
	rc = journal_read(&r->journal, b.ptr, err);
	if (rc < 0)
		goto out;
	cJSON_ArrayForEach(rec, r->journal) {
		const char *ev = jstr(rec, "event");

		if (ev && !strcmp(ev, "plan") && !plan)
			plan = rec;
		else if (ev && !strcmp(ev, "done") && jstr(rec, "task"))
			sw_strvec_push(&done, jstr(rec, "task"));
	}
	if (!plan || !jstr(plan, "specDir")) {
		rc = sw_error_set(err, SW_EINVAL, "the journal of run '%s' has no plan record", id);
		sw_error_at(err, b.ptr, 1, 1);
		goto out;
	}
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(plan, "tasks")) {
		const char *tid = jstr(t, "id");

		if (!tid)
			continue;
		if (sw_strvec_contains(&done, tid))
			r->done_before++;
		else
			sw_strvec_push(&r->remaining, tid);
	}
	r->spec_dir = sw_xstrdup(jstr(plan, "specDir"));
	r->run_id = sw_xstrdup(id);
	opts = cJSON_GetObjectItemCaseSensitive(plan, "options");
	jstrings(&r->agent_argv, cJSON_GetObjectItemCaseSensitive(opts, "agentCmd"));
	jstrings(&r->trust, cJSON_GetObjectItemCaseSensitive(opts, "trustTools"));
	r->opts.spec_dir = r->spec_dir;
	r->opts.resume = r->run_id;
	r->opts.plan.tasks = (const char *const *)r->remaining.v;
	r->opts.plan.ntasks = r->remaining.nr;
	r->opts.plan.include_optional = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opts, "includeOptional"));
	r->opts.plan.parallel = (size_t)jnum(plan, "parallel", 0);
	r->opts.agent_argv = r->agent_argv.nr ? (const char *const *)r->agent_argv.v : NULL;
	r->opts.agent = jstr(opts, "agent");
	r->opts.model = jstr(opts, "model");
	r->opts.trust_all = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opts, "trustAllTools"));
	r->opts.trust = r->trust.nr ? (const char *const *)r->trust.v : NULL;
	r->opts.verify = jstr(opts, "verify");
	r->opts.max_retries = (int)jnum(opts, "maxRetries", 2);
	r->opts.task_timeout_ms = (uint64_t)jnum(opts, "taskTimeoutMs", 0);
	r->opts.verify_timeout_ms = (uint64_t)jnum(opts, "verifyTimeoutMs", 0);
	r->opts.budget_tokens = (long)jnum(opts, "budgetTokens", 0);
	r->opts.budget_usd = jnum(opts, "budgetUsd", 0);
	r->opts.commit = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opts, "commit"));
	r->opts.review = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opts, "review"));
	r->opts.worktrees = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opts, "worktrees"));
out:
	sw_strvec_clear(&done);
	sw_buf_release(&b);
	if (rc < 0)
		orch_resume_release(r);
	return rc;
}

void orch_resume_release(struct orch_resume *r)
{
	cJSON_Delete(r->journal);
	free(r->spec_dir);
	free(r->run_id);
	sw_strvec_clear(&r->remaining);
	sw_strvec_clear(&r->agent_argv);
	sw_strvec_clear(&r->trust);
	memset(r, 0, sizeof(*r));
}
