// SPDX-License-Identifier: Apache-2.0
/*
 * orch_git.c - what the orchestrator does with git (git/vcs.h): one commit
 * per verified task with the Spec/Task/Requirements/Run trailers, tasks.md
 * committed at the end, and per-task worktrees whose commits are applied to
 * the current branch.
 */
#include "dispatch/orch_int.h"

#include <string.h>

#include "base/fs.h"
#include "git/vcs.h"
#include "specs-engine/spec.h"

/* The task's requirement references as written ("1.1, 2.1–2.4"). */
static void req_list(struct sw_buf *b, const struct tasks_task *t)
{
	size_t i;

	for (i = 0; i < t->reqs.nr; i++) {
		const struct req_ref *r = &t->reqs.v[i];

		if (b->len)
			sw_buf_adds(b, ", ");
		if (r->kind == REQ_REF_RANGE)
			sw_buf_addf(b, "%s-%s", r->id, r->to);
		else if (r->kind == REQ_REF_ALL)
			sw_buf_adds(b, "all");
		else if (r->kind == REQ_REF_TEXT)
			sw_buf_adds(b, r->text);
		else
			sw_buf_adds(b, r->id);
	}
}

/* The commit message of task @t: its title, then the Spec, Task, Requirements and Run trailers. */
static void task_message(struct sw_buf *msg, struct orch *o, size_t t)
{
	const struct tasks_task *task = &o->plan->doc->tasks[o->plan->v[t].ti];
	struct sw_buf reqs = SW_BUF_INIT;

	req_list(&reqs, task);
	sw_buf_addf(msg, "%s: task %s %s\n\nSpec: %s\nTask: %s\n", o->spec->name, task->id, task->title,
		    o->spec->name, task->id);
	if (reqs.len)
		sw_buf_addf(msg, "Requirements: %s\n", reqs.ptr);
	sw_buf_addf(msg, "Run: %s\n", o->res->run_id);
	sw_buf_release(&reqs);
}

/* One commit of what task @t changed (everything but tasks.md). */
void orch__commit_task(struct orch *o, size_t t)
{
	const struct tasks_task *task = &o->plan->doc->tasks[o->plan->v[t].ti];
	struct sw_buf msg = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char oid[VCS_OID_HEX];
	const char *exclude[2];
	cJSON *r = orch__task_rec(o, t);

	exclude[0] = o->spec->tasks.path;
	exclude[1] = NULL;
	task_message(&msg, o, t);
	/* A run killed after this task's commit and before its journal record: the commit is there. */
	if (o->opts->resume) {
		char *head = NULL, hid[VCS_OID_HEX], want[200];

		snprintf(want, sizeof(want), "\nTask: %s\n", task->id);
		if (vcs_head_message(&head, hid, o->opts->root, NULL) == 0 && strstr(head, want) &&
		    strstr(head, o->res->run_id)) {
			cJSON_AddStringToObject(r, "commit", hid);
			cJSON_AddBoolToObject(r, "recovered", 1);
			orch__record(o, "commit", r);
			free(head);
			goto out;
		}
		free(head);
	}
	if (vcs_commit_worktree(o->opts->root, exclude, msg.ptr, oid, &err) == 0) {
		cJSON_AddStringToObject(r, "commit", oid);
		orch__record(o, "commit", r);
	} else if (err.code == SW_ECONFLICT && !strcmp(err.msg, "nothing to commit")) {
		cJSON_AddNullToObject(r, "commit");
		cJSON_AddStringToObject(r, "note", "the task changed no file");
		orch__record(o, "commit", r);
	} else {
		cJSON_AddStringToObject(r, "error", err.msg);
		orch__record(o, "commit-error", r);
	}
out:
	sw_buf_release(&msg);
}

/* At the end of a --commit run: tasks.md as the run left it. */
void orch__commit_tasks_file(struct orch *o)
{
	struct vcs_prepare_opts po = VCS_PREPARE_OPTS_INIT;
	struct vcs_spec_commit *c = NULL;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf msg = SW_BUF_INIT;
	char oid[VCS_OID_HEX];
	cJSON *r = cJSON_CreateObject();

	po.dir = o->opts->spec_dir;
	sw_buf_addf(&msg, "%s: %zu task%s done\n\nSpec: %s\nRun: %s\n", o->spec->name, o->res->done,
		    o->res->done == 1 ? "" : "s", o->spec->name, o->res->run_id);
	if (vcs_spec_prepare(&c, &po, &err) == 0 && vcs_spec_nchanges(c) &&
	    vcs_spec_commit(c, msg.ptr, oid, &err) == 0) {
		cJSON_AddStringToObject(r, "commit", oid);
		cJSON_AddStringToObject(r, "file", o->spec->tasks.display);
		orch__record(o, "commit", r);
	} else if (err.code) {
		cJSON_AddStringToObject(r, "error", err.msg);
		orch__record(o, "commit-error", r);
	} else {
		cJSON_Delete(r);
	}
	vcs_spec_free(c);
	sw_buf_release(&msg);
}

/*
 * A worktree task: its changes become one commit on its branch, applied to
 * the current branch.  Returns 0, or -1 with the reason in @why.
 */
int orch__merge_task(struct slot *s, char *why, size_t n)
{
	struct orch *o = s->o;
	struct sw_buf msg = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char oid[VCS_OID_HEX], picked[VCS_OID_HEX];
	char *rel = sw_path_relative(o->spec->tasks.path, o->opts->root), *wt_tasks = sw_path_join(s->cwd, rel);
	const char *exclude[2] = { wt_tasks, NULL };
	cJSON *r = orch__task_rec(o, s->t);
	int rc = 0;

	task_message(&msg, o, s->t);
	if (vcs_commit_worktree(s->cwd, exclude, msg.ptr, oid, &err) < 0) {
		if (err.code == SW_ECONFLICT && !strcmp(err.msg, "nothing to commit")) {
			cJSON_AddNullToObject(r, "commit");
			cJSON_AddStringToObject(r, "note", "the task changed no file");
			orch__record(o, "commit", r);
			goto out;
		}
		snprintf(why, n, "its worktree could not be committed: %s", err.msg);
		rc = -1;
		goto out;
	}
	if (vcs_pick_onto_head(o->opts->root, oid, picked, &err) < 0) {
		snprintf(why, n, "its commit does not apply: %s", err.msg);
		rc = -1;
		goto out;
	}
	cJSON_AddStringToObject(r, "commit", picked);
	cJSON_AddStringToObject(r, "worktreeCommit", oid);
	orch__record(o, "commit", r);
	r = NULL;
out:
	cJSON_Delete(r);
	sw_buf_release(&msg);
	free(rel);
	free(wt_tasks);
	return rc;
}

/* The task's own worktree from HEAD, under the run's folder (a leftover of a killed run is replaced). */
int orch__start_worktree(struct slot *s, struct sw_error *err)
{
	struct orch *o = s->o;
	struct sw_buf name = SW_BUF_INIT, path = SW_BUF_INIT;
	cJSON *r;
	int rc;

	sw_buf_addf(&name, "sw-%s-%s", o->res->run_id, plan_task_id(o->plan, s->t));
	sw_buf_addf(&path, "%s/worktrees", o->run_dir);
	if ((rc = sw_mkdir_p(path.ptr, err)) < 0)
		goto out;
	sw_buf_addf(&path, "/%s", plan_task_id(o->plan, s->t));
	vcs_worktree_remove(o->opts->root, name.ptr, NULL);
	rc = vcs_worktree_add(o->opts->root, name.ptr, path.ptr, err);
	if (rc == 0) {
		free(s->cwd);
		s->cwd = sw_buf_detach(&path, NULL);
		s->wt_name = sw_buf_detach(&name, NULL);
		r = orch__task_rec(o, s->t);
		cJSON_AddStringToObject(r, "worktree", s->cwd);
		cJSON_AddStringToObject(r, "branch", s->wt_name);
		orch__record(o, "worktree", r);
	}
out:
	if (rc < 0)
		sw_error_prefix(err, "no worktree for task %s", plan_task_id(o->plan, s->t));
	sw_buf_release(&name);
	sw_buf_release(&path);
	return rc;
}
