/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_gen.c - the verbs of 'specwright spec' that write specs through
 * the agent and commit them: commit (here), and the generation verbs.
 * Their lines sit in the verb table of cmd/spec.c.
 */
#include "base/compat.h"
#include "cmd/spec.h"
#include "cmd/spec_gen.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/opt.h"
#include "git/vcs.h"
#include "specs-engine/commitmsg.h"
#include "specs-engine/review.h"

#include <unistd.h>

int spec_gen_check_name(const char *name, struct sw_error *err)
{
	const char *p;

	if (!*name || *name == '.' || strlen(name) > 128)
		goto bad;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			goto bad;
	return 0;
bad:
	return sw_error_set(err, SW_EINVAL,
			    "invalid spec name '%s': expected letters, digits, '-', '_' or '.' "
			    "(kebab-case such as 'user-login')", name);
}

char *spec_gen_dir(const struct sw_ctx *ctx, const char *name)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_buf_addf(&b, "%s/specs/%s", ctx->kiro_dir, name);
	return sw_buf_detach(&b, NULL);
}

static void print_commit_json(const char *name, const struct vcs_spec_commit *c, const char *oid,
			      const char *msg)
{
	cJSON *doc = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(doc, "files");
	const char *nl = strchr(msg, '\n');
	char *subj = sw_xstrndup(msg, nl ? (size_t)(nl - msg) : strlen(msg));
	size_t i;

	cJSON_AddStringToObject(doc, "spec", name);
	cJSON_AddStringToObject(doc, "commit", oid);
	sw_cmd_json_str(doc, "branch", vcs_spec_branch(c));
	cJSON_AddStringToObject(doc, "subject", subj);
	cJSON_AddStringToObject(doc, "message", msg);
	for (i = 0; i < vcs_spec_nchanges(c); i++) {
		const struct vcs_change *ch = vcs_spec_change(c, i);
		cJSON *f = cJSON_CreateObject();
		char st[2] = { ch->status, '\0' };

		cJSON_AddStringToObject(f, "path", ch->path);
		cJSON_AddStringToObject(f, "status", st);
		cJSON_AddItemToArray(files, f);
	}
	sw_cmd_json_print_line_take(doc);
	free(subj);
}

/* Prepares the commit of spec @name; *@c is NULL when the folder is missing. */
static int prepare_commit(struct vcs_spec_commit **c, const struct sw_ctx *ctx, const char *name,
			  int allow_detached, struct sw_error *err)
{
	struct vcs_prepare_opts o = VCS_PREPARE_OPTS_INIT;
	char *dir = spec_gen_dir(ctx, name);
	int rc;

	*c = NULL;
	o.dir = dir;
	o.allow_detached = allow_detached;
	if (!sw_is_dir(dir))
		rc = sw_error_set(err, SW_ENOTFOUND, "no spec '%s' (expected the folder '%s')", name, dir);
	else if ((rc = vcs_spec_prepare(c, &o, err)) == 0 && !vcs_spec_nchanges(*c))
		rc = sw_error_set(err, SW_ECONFLICT, "nothing to commit for spec '%s': '%s' matches HEAD",
				  name, vcs_spec_relpath(*c));
	free(dir);
	return rc;
}

int spec_gen_commit_quiet(const struct sw_ctx *ctx, const char *name, char oid_hex[VCS_OID_HEX],
			  char **subject, struct sw_error *err)
{
	struct vcs_spec_commit *c = NULL;
	char *msg = NULL, *nl;
	int rc;

	*subject = NULL;
	if ((rc = prepare_commit(&c, ctx, name, 0, err)) < 0)
		goto out;
	msg = commitmsg_build(name, c);
	if ((rc = vcs_spec_commit(c, msg, oid_hex, err)) < 0)
		goto out;
	if ((nl = strchr(msg, '\n')))
		*nl = '\0';
	*subject = msg;
	msg = NULL;
out:
	vcs_spec_free(c);
	free(msg);
	return rc;
}

int spec_gen_commit(const struct sw_ctx *ctx, const char *name, const char *message,
		    int allow_detached, int json)
{
	struct vcs_spec_commit *c = NULL;
	struct sw_error err = SW_ERROR_INIT;
	char oid[VCS_OID_HEX], *msg = NULL;
	const char *nl;
	size_t i;
	int rc = 0;

	if (prepare_commit(&c, ctx, name, allow_detached, &err) < 0)
		goto fail;
	msg = message ? sw_xstrdup(message) : commitmsg_build(name, c);
	if (vcs_spec_commit(c, msg, oid, &err) < 0)
		goto fail;
	if (json) {
		print_commit_json(name, c, oid, msg);
	} else if (!sw_cmd_quiet()) {
		nl = strchr(msg, '\n');
		printf("[%s %.7s] %.*s\n", vcs_spec_branch(c) ? vcs_spec_branch(c) : "detached HEAD", oid,
		       (int)(nl ? (size_t)(nl - msg) : strlen(msg)), msg);
		for (i = 0; i < vcs_spec_nchanges(c); i++)
			printf(" %c %s\n", vcs_spec_change(c, i)->status, vcs_spec_change(c, i)->path);
	}
	goto out;
fail:
	rc = sw_cmd_fail(&err);
out:
	vcs_spec_free(c);
	free(msg);
	return rc;
}

int cmd_spec_commit(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec commit NAME [-m MSG] [--allow-detached] [--json]",
		"\nCommits exactly the files of .kiro/specs/NAME on the current branch; other staged\n"
		"changes stay staged and out of the commit.  Without -m the message is written\n"
		"from the changes.",
		NULL,
	};
	const char *message = NULL;
	int allow_detached = 0, json = ctx->json;
	struct sw_error err = SW_ERROR_INIT;
	const struct sw_opt opts[] = {
		SW_OPT_STRING('m', "message", &message, "MSG", "use MSG as the commit message"),
		SW_OPT_BOOL(0, "allow-detached", &allow_detached, "commit even when HEAD is detached"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 1);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "missing the spec NAME");
	if (spec_gen_check_name(argv[0], &err) < 0)
		return sw_usage_error(usage, "%s", err.msg);
	return spec_gen_commit(ctx, argv[0], message, allow_detached, json);
}

/* ---- generation: spec new / approve / refine ------------------------------ */

struct gen_run {
	struct sw_ctx *ctx;
	const char *name;
	char *dir;          /* the spec folder, absolute */
	char *display;      /* the folder as shown (relative to the current directory) */
	struct review review;
	struct spec_agent_opts agent_opts;
	struct spec_agent *sa; /* opened on first use */
	struct gen_agent agent;
	int yes;            /* approve every phase without stopping */
	int commit;         /* commit after each approved phase */
	int json;
	int no_next;        /* approve only: do not generate the next phase */
	long max_repairs;
	cJSON *report;      /* --json: the document printed at the end (from run_set_name()) */
	cJSON *phases_done; /* report.phases */
	cJSON *commits;     /* report.commits */
};

static void run_init(struct gen_run *r, struct sw_ctx *ctx)
{
	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->json = ctx->json;
	r->max_repairs = GEN_MAX_REPAIRS_DEFAULT;
}

static void run_set_name(struct gen_run *r, const char *name)
{
	r->name = name;
	r->dir = spec_gen_dir(r->ctx, name);
	r->display = sw_path_relative(r->dir, r->ctx->cwd);
	r->report = cJSON_CreateObject();
	cJSON_AddStringToObject(r->report, "spec", name);
	cJSON_AddStringToObject(r->report, "dir", r->display);
	r->phases_done = cJSON_AddArrayToObject(r->report, "generated");
	r->commits = cJSON_AddArrayToObject(r->report, "commits");
}

static void run_release(struct gen_run *r)
{
	spec_agent_close(r->sa);
	review_release(&r->review);
	cJSON_Delete(r->report);
	free(r->dir);
	free(r->display);
}

static char *doc_path(const struct gen_run *r, enum review_doc d)
{
	return sw_path_join(r->dir, review_doc_file(d));
}

static char *doc_display(const struct gen_run *r, enum review_doc d)
{
	return sw_path_join(r->display, review_doc_file(d));
}

static void print_diags(const struct sw_diags *d, const char *text, size_t len, int errors_only)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!errors_only || d->v[i].severity == SW_SEV_ERROR)
			sw_report_diag(stderr, &d->v[i], text, len);
}

/* Keeps a rejected draft outside the spec folder, for the user to read. */
static char *keep_rejected(const struct gen_run *r, enum review_doc d, const struct sw_buf *text)
{
	struct sw_buf p = SW_BUF_INIT;
	char *dir, *rel;

	sw_buf_addf(&p, "%s/run/rejected/%s", r->ctx->kiro_dir, r->name);
	dir = sw_buf_detach(&p, NULL);
	sw_buf_addf(&p, "%s/%s", dir, review_doc_file(d));
	if (sw_mkdir_p(dir, NULL) < 0 || sw_write_atomic(p.ptr, text->ptr, text->len, NULL) < 0) {
		free(dir);
		sw_buf_release(&p);
		return NULL;
	}
	free(dir);
	rel = sw_path_relative(p.ptr, r->ctx->cwd);
	sw_buf_release(&p);
	return rel;
}

static int open_agent(struct gen_run *r, struct sw_error *err)
{
	if (r->sa)
		return 0;
	r->agent_opts.quiet = r->json || sw_log_level() < 0;
	return spec_agent_open(&r->sa, &r->agent, r->ctx, &r->agent_opts, err);
}

/* Runs phase @i (refining it with @comment when non-NULL); returns an exit code. */
static int generate(struct gen_run *r, int i, const char *comment)
{
	struct review_phase *ph = &r->review.phases[i];
	struct gen_phase_opts o = GEN_PHASE_OPTS_INIT;
	struct gen_phase_result res = GEN_PHASE_RESULT_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *steering = NULL, *knowledge = NULL, *disp = doc_display(r, ph->doc), *kept = NULL;
	int rc = 0;

	if (open_agent(r, &err) < 0)
		goto fail;
	steering = spec_agent_steering(r->ctx);
	knowledge = spec_agent_knowledge(r->ctx, r->review.request ? r->review.request : r->name);
	o.spec = r->name;
	o.dir = r->dir;
	o.root = cmd_spec_root_for(r->ctx, r->dir);
	o.display = r->display;
	o.request = r->review.request;
	o.review = &r->review;
	o.doc = ph->doc;
	o.steering = steering;
	o.knowledge = knowledge;
	o.comment = comment;
	o.max_repairs = (int)r->max_repairs;
	o.agent = &r->agent;
	if (!r->json)
		sw_info("%s %s ...", comment ? "revising" : "writing", disp);
	if (gen_run_phase(&res, &o, &err) < 0) {
		if (res.text.len && res.diags.errors) {
			print_diags(&res.diags, res.text.ptr, res.text.len, 1);
			kept = keep_rejected(r, ph->doc, &res.text);
		}
		if (!comment && (ph->status == REVIEW_PENDING || ph->status == REVIEW_FAILED)) {
			ph->status = REVIEW_FAILED;
			review_save(&r->review, r->dir, NULL);
		}
		sw_report(&err);
		if (kept)
			fprintf(stderr, "specwright: the rejected draft is in '%s'\n", kept);
		if (!comment)
			fprintf(stderr, "specwright: try again with 'specwright spec approve %s'\n", r->name);
		rc = 1;
		goto out;
	}
	print_diags(&res.diags, res.text.ptr, res.text.len, 0); /* warnings */
	review_mark_generated(ph, res.repairs, comment != NULL);
	if (comment)
		review_mark_later_stale(&r->review, i);
	if (review_save(&r->review, r->dir, &err) < 0)
		goto fail;
	{
		cJSON *g = cJSON_CreateObject();

		cJSON_AddStringToObject(g, "phase", review_doc_name(ph->doc));
		cJSON_AddStringToObject(g, "file", disp);
		cJSON_AddNumberToObject(g, "repairs", res.repairs);
		cJSON_AddNumberToObject(g, "warnings", (double)res.diags.warnings);
		cJSON_AddBoolToObject(g, "refined", comment != NULL);
		cJSON_AddItemToArray(r->phases_done, g);
	}
	if (!r->json)
		sw_info("wrote %s%s", disp,
			res.repairs ? (res.repairs == 1 ? " (after 1 repair)" : " (after repairs)") : "");
	goto out;
fail:
	rc = sw_cmd_fail(&err);
out:
	gen_phase_result_release(&res);
	free(steering);
	free(knowledge);
	free(disp);
	free(kept);
	return rc;
}

/* Approves phase @i as it is on disk (after the checks); returns an exit code. */
static int approve(struct gen_run *r, int i)
{
	struct review_phase *ph = &r->review.phases[i];
	struct sw_error err = SW_ERROR_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_buf text = SW_BUF_INIT;
	char *path = doc_path(r, ph->doc), *disp = doc_display(r, ph->doc), *subject = NULL;
	char oid[VCS_OID_HEX];
	int rc = 0, j;

	for (j = 0; j < i; j++)
		if (r->review.phases[j].status != REVIEW_APPROVED) {
			sw_error_set(&err, SW_ECONFLICT, "approve %s first: %s is %s",
				     review_doc_file(r->review.phases[j].doc),
				     review_doc_name(r->review.phases[j].doc),
				     review_status_name(r->review.phases[j].status));
			goto fail;
		}
	if (sw_read_file(&text, path, GEN_MAX_DOC, &err) < 0) {
		if (err.code == SW_ENOTFOUND)
			sw_error_set(&err, SW_ENOTFOUND, "'%s' does not exist yet: nothing to approve", disp);
		goto fail;
	}
	/* The file may have been edited since it was generated: check it again. */
	if (gen_check(&diags, ph->doc, text.ptr, text.len, r->dir, r->display, NULL, &err) < 0)
		goto fail;
	if (diags.errors) {
		print_diags(&diags, text.ptr, text.len, 0);
		sw_error_set(&err, SW_EINVAL, "'%s' has %zu error%s: fix them before approving", disp,
			     diags.errors, diags.errors == 1 ? "" : "s");
		goto fail;
	}
	review_mark_approved(ph, text.ptr, text.len);
	if (review_save(&r->review, r->dir, &err) < 0)
		goto fail;
	if (!r->json)
		sw_info("approved %s", disp);
	if (r->commit) {
		if (spec_gen_commit_quiet(r->ctx, r->name, oid, &subject, &err) < 0) {
			if (err.code != SW_ECONFLICT || !strstr(err.msg, "nothing to commit"))
				goto fail;
		} else {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "commit", oid);
			cJSON_AddStringToObject(c, "subject", subject);
			cJSON_AddItemToArray(r->commits, c);
			if (!r->json)
				sw_info("committed %.7s %s", oid, subject);
		}
	}
	goto out;
fail:
	rc = sw_cmd_fail(&err);
out:
	sw_diags_release(&diags);
	sw_buf_release(&text);
	free(path);
	free(disp);
	free(subject);
	return rc;
}

static int first_unapproved(const struct review *rv)
{
	int i;

	for (i = 0; i < REVIEW_PHASES; i++)
		if (rv->phases[i].status != REVIEW_APPROVED)
			return i;
	return REVIEW_PHASES;
}

static int interactive(const struct gen_run *r)
{
	return !r->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* Prints the document waiting at the gate and what to do next. */
static void show_gate(const struct gen_run *r, int i)
{
	enum review_doc d = r->review.phases[i].doc;
	struct sw_buf text = SW_BUF_INIT;
	char *path = doc_path(r, d), *disp = doc_display(r, d);

	if (sw_read_file(&text, path, GEN_MAX_DOC, NULL) == 0)
		fwrite(text.ptr, 1, text.len, stdout);
	printf("\n--- %s is waiting for review ---\n", disp);
	if (!interactive(r)) {
		printf("Edit it if you like, then approve it%s:\n"
		       "    specwright spec approve %s --phase %s\n"
		       "or ask for changes:\n"
		       "    specwright spec refine %s --phase %s \"what to change\"\n",
		       i + 1 < REVIEW_PHASES ? " (the next phase is written then)" : "", r->name,
		       review_doc_name(d), r->name, review_doc_name(d));
	}
	sw_buf_release(&text);
	free(path);
	free(disp);
}

/* Asks at the terminal: 'a' approve, 'r' + comment, 'q' quit.  Returns the letter. */
static int ask(char *comment, size_t size)
{
	char line[4096];

	for (;;) {
		printf("[a]pprove (edit the file first if you like), [r]equest changes, [q]uit: ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 'q';
		if (line[0] == 'a' || line[0] == 'y')
			return 'a';
		if (line[0] == 'q')
			return 'q';
		if (line[0] == 'r' || line[0] == 'c') {
			printf("What should change? ");
			fflush(stdout);
			if (!fgets(comment, (int)size, stdin))
				return 'q';
			comment[strcspn(comment, "\n")] = '\0';
			if (*comment)
				return 'r';
		}
	}
}

/*
 * Moves the spec forward: generates the first phase that needs it, stops at
 * the review gate unless approvals are automatic, and repeats.  Returns an
 * exit code.
 */
static int advance(struct gen_run *r)
{
	int auto_ok = r->yes || r->review.type == REVIEW_TYPE_QUICK, rc;
	char comment[4096];

	for (;;) {
		int i = first_unapproved(&r->review);
		struct review_phase *ph;

		if (i == REVIEW_PHASES) {
			if (!r->json && !sw_cmd_quiet())
				printf("spec '%s' is complete: %s, %s and %s are approved\n", r->name,
				       review_doc_file(r->review.phases[0].doc),
				       review_doc_file(r->review.phases[1].doc),
				       review_doc_file(r->review.phases[2].doc));
			return 0;
		}
		ph = &r->review.phases[i];
		if (ph->status == REVIEW_PENDING || ph->status == REVIEW_FAILED) {
			if (r->no_next)
				return 0;
			if ((rc = generate(r, i, NULL)) != 0)
				return rc;
		}
		if (auto_ok) {
			if ((rc = approve(r, i)) != 0)
				return rc;
			continue;
		}
		if (r->json) {
			cJSON_AddStringToObject(r->report, "waiting", review_doc_name(ph->doc));
			return 0;
		}
		show_gate(r, i);
		if (!interactive(r))
			return 0;
		switch (ask(comment, sizeof(comment))) {
		case 'a':
			if ((rc = approve(r, i)) != 0)
				return rc;
			break;
		case 'r':
			if ((rc = generate(r, i, comment)) != 0)
				return rc;
			break;
		default:
			return 0;
		}
	}
}

/*
 * Ends a run without its report: the spec could not be loaded, or the verb
 * printed its own output.  (Usage errors come before run_set_name() has
 * acquired anything, and simply return.)
 */
static int finish_silent(struct gen_run *r, int rc)
{
	run_release(r);
	return rc;
}

static int finish(struct gen_run *r, int rc)
{
	if (r->json) {
		int i;
		cJSON *ph = cJSON_AddArrayToObject(r->report, "phases");

		cJSON_AddStringToObject(r->report, "type", review_type_name(r->review.type));
		cJSON_AddStringToObject(r->report, "workflow",
					r->review.design_first ? "design-first" : "requirements-first");
		for (i = 0; i < REVIEW_PHASES; i++) {
			cJSON *o = cJSON_CreateObject();
			char *disp = doc_display(r, r->review.phases[i].doc);

			cJSON_AddStringToObject(o, "phase", review_doc_name(r->review.phases[i].doc));
			cJSON_AddStringToObject(o, "file", disp);
			cJSON_AddStringToObject(o, "status", review_status_name(r->review.phases[i].status));
			cJSON_AddItemToArray(ph, o);
			free(disp);
		}
		if (!cJSON_GetObjectItem(r->report, "waiting"))
			cJSON_AddNullToObject(r->report, "waiting");
		cJSON_AddBoolToObject(r->report, "ok", rc == 0);
		sw_cmd_json_print_line_take(r->report);
		r->report = NULL;
	}
	run_release(r);
	return rc;
}

#define AGENT_OPTS(r)                                                                              \
	SW_OPT_STRING(0, "agent", &(r).agent_opts.agent, "NAME", "generate with this custom agent"),   \
	SW_OPT_STRING(0, "model", &(r).agent_opts.model, "MODEL", "use this provider/model"),          \
	SW_OPT_INT(0, "max-repairs", &(r).max_repairs, "N",                                           \
		   "repair turns allowed when a document fails its checks (default 2)"),                \
	SW_OPT_BOOL('y', "yes", &(r).yes, "approve each phase without stopping for review"),          \
	SW_OPT_BOOL(0, "commit", &(r).commit, "commit the spec after each approved phase"),           \
	SW_OPT_JSON(&(r).json)

static int check_repairs(const struct gen_run *r, const char *const *usage)
{
	if (r->max_repairs < 0 || r->max_repairs > 10)
		return sw_usage_error(usage, "--max-repairs expects 0 to 10, not %ld", r->max_repairs);
	return 0;
}

int cmd_spec_new(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec new NAME \"PROMPT\" [--type feature|bugfix|quick] [--design-first] "
		"[--agent A] [--model M] [--yes] [--commit] [--json]",
		"\nCreates .kiro/specs/NAME and writes its documents through the agent, one phase at a\n"
		"time: requirements.md (bugfix.md for a bugfix), design.md, tasks.md (--design-first\n"
		"writes the design first).  Each document is checked, repaired by the agent if needed,\n"
		"and then waits for review: approve it with 'spec approve' (which writes the next one)\n"
		"or ask for changes with 'spec refine'.  A quick spec, or --yes, does not stop.",
		NULL,
	};
	struct gen_run r;
	const char *type = "feature";
	int design_first = 0, rc;
	struct sw_error err = SW_ERROR_INIT;
	enum review_type t;
	struct sw_opt opts[] = {
		SW_OPT_STRING('t', "type", &type, "TYPE", "feature (default), bugfix or quick"),
		SW_OPT_BOOL(0, "design-first", &design_first, "write the design before the requirements"),
		AGENT_OPTS(r),
		SW_OPT_END,
	};

	run_init(&r, ctx);
	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc != 2)
		return sw_usage_error(usage, argc < 2 ? "expected NAME and \"PROMPT\""
						      : "too many arguments (quote the prompt)");
	if ((rc = check_repairs(&r, usage)) != 0)
		return rc;
	if (spec_gen_check_name(argv[0], &err) < 0 || review_type_parse(&t, type, &err) < 0)
		return sw_usage_error(usage, "%s", err.msg);
	if (!*argv[1])
		return sw_usage_error(usage, "the prompt is empty");
	if (design_first && t == REVIEW_TYPE_BUGFIX)
		return sw_usage_error(usage, "--design-first does not apply to a bugfix");
	run_set_name(&r, argv[0]);
	if (sw_path_exists(r.dir)) {
		sw_error_set(&err, SW_ECONFLICT,
			     "spec '%s' exists already ('%s'): continue it with 'spec approve' or "
			     "'spec refine'", r.name, r.display);
		return finish(&r, sw_cmd_fail(&err));
	}
	review_init(&r.review, t, design_first, argv[1]);
	/* The agent is opened before anything is created, so a missing provider leaves no trace. */
	if (open_agent(&r, &err) < 0)
		return finish(&r, sw_cmd_fail(&err));
	if (sw_mkdir_p(r.dir, &err) < 0 || review_write_config(&r.review, r.dir, &err) < 0 ||
	    review_save(&r.review, r.dir, &err) < 0)
		return finish(&r, sw_cmd_fail(&err));
	return finish(&r, advance(&r));
}

/* Loads spec @name for approve/refine; returns an exit code (0 to go on). */
static int load_existing(struct gen_run *r, const char *name, const char *const *usage)
{
	struct sw_error err = SW_ERROR_INIT;

	if (spec_gen_check_name(name, &err) < 0)
		return sw_usage_error(usage, "%s", err.msg);
	run_set_name(r, name);
	if (!sw_is_dir(r->dir)) {
		sw_error_set(&err, SW_ENOTFOUND, "no spec '%s' (expected the folder '%s')", name, r->display);
		return sw_cmd_fail(&err);
	}
	if (review_load(&r->review, r->dir, &err) < 0)
		return sw_cmd_fail(&err);
	return 0;
}

/* The workflow index of phase @name in @r; prints a usage error and returns -1. */
static int phase_index(struct gen_run *r, const char *name, const char *const *usage)
{
	struct sw_error err = SW_ERROR_INIT;
	enum review_doc d;
	int i;

	if (review_doc_parse(&d, name, &err) < 0) {
		sw_usage_error(usage, "%s", err.msg);
		return -1;
	}
	if ((i = review_phase_index(&r->review, d)) < 0) {
		sw_usage_error(usage, "spec '%s' is a %s spec: it has no %s phase", r->name,
			       review_type_name(r->review.type), name);
		return -1;
	}
	return i;
}

int cmd_spec_approve(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec approve NAME [--phase P] [--no-next] [--yes] [--commit] [--json]",
		"\nApproves a phase's document as it is on disk (after checking it again) and writes\n"
		"the next phase, which then waits for review (--yes approves it too, and so on).\n"
		"Without --phase the phase waiting for review is approved; when none is waiting\n"
		"(the next phase is not written, or its generation failed) it is written now.",
		NULL,
	};
	struct gen_run r;
	const char *phase = NULL;
	int i, rc;
	struct sw_opt opts[] = {
		SW_OPT_STRING('p', "phase", &phase, "P", "requirements, bugfix, design or tasks"),
		SW_OPT_BOOL(0, "no-next", &r.no_next, "do not write the next phase"),
		AGENT_OPTS(r),
		SW_OPT_END,
	};

	run_init(&r, ctx);
	argc = sw_cmd_parse(argc, argv, opts, usage, 1);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "missing the spec NAME");
	if ((rc = check_repairs(&r, usage)) != 0 || (rc = load_existing(&r, argv[0], usage)) != 0)
		return finish_silent(&r, rc);
	i = phase ? phase_index(&r, phase, usage) : first_unapproved(&r.review);
	if (i < 0)
		return finish_silent(&r, 2);
	if (i == REVIEW_PHASES) {
		struct sw_error err = SW_ERROR_INIT;

		sw_error_set(&err, SW_ECONFLICT, "every phase of spec '%s' is approved already", r.name);
		return finish(&r, sw_cmd_fail(&err));
	}
	if (!phase && (r.review.phases[i].status == REVIEW_PENDING ||
		       r.review.phases[i].status == REVIEW_FAILED))
		return finish(&r, advance(&r)); /* nothing waits for review: write the next phase */
	if ((rc = approve(&r, i)) != 0)
		return finish(&r, rc);
	if (r.no_next)
		return finish(&r, 0);
	return finish(&r, advance(&r));
}

int cmd_spec_refine(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec refine NAME --phase P \"COMMENT\" [--yes] [--commit] [--json]",
		"\nRewrites a phase's document through the agent according to COMMENT, keeping the\n"
		"IDs of requirements, criteria and tasks stable.  The revised document waits for\n"
		"review again; later phases approved before stay approved but are marked stale.",
		NULL,
	};
	struct gen_run r;
	const char *phase = NULL;
	struct sw_error err = SW_ERROR_INIT;
	int i, rc;
	char *path;
	struct sw_opt opts[] = {
		SW_OPT_STRING('p', "phase", &phase, "P", "requirements, bugfix, design or tasks"),
		AGENT_OPTS(r),
		SW_OPT_END,
	};

	run_init(&r, ctx);
	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc != 2)
		return sw_usage_error(usage, argc < 2 ? "expected NAME and \"COMMENT\""
						      : "too many arguments (quote the comment)");
	if (!phase)
		return sw_usage_error(usage, "--phase is required");
	if (!*argv[1])
		return sw_usage_error(usage, "the comment is empty");
	if ((rc = check_repairs(&r, usage)) != 0 || (rc = load_existing(&r, argv[0], usage)) != 0)
		return finish_silent(&r, rc);
	if ((i = phase_index(&r, phase, usage)) < 0)
		return finish_silent(&r, 2);
	path = doc_path(&r, r.review.phases[i].doc);
	if (!sw_is_file(path)) {
		free(path);
		sw_error_set(&err, SW_ENOTFOUND, "spec '%s' has no %s yet: nothing to refine", r.name,
			     review_doc_file(r.review.phases[i].doc));
		return finish(&r, sw_cmd_fail(&err));
	}
	free(path);
	if ((rc = generate(&r, i, argv[1])) != 0)
		return finish(&r, rc);
	return finish(&r, advance(&r));
}

/* ---- status ------------------------------------------------------------------ */

/* One phase's state in words, for people. */
static void phase_words(struct sw_buf *b, const struct gen_run *r, const struct review_phase *p,
			int edited)
{
	switch (p->status) {
	case REVIEW_APPROVED:
		sw_buf_addf(b, "approved %s", p->approved_at ? p->approved_at : "");
		if (edited)
			sw_buf_adds(b, ", edited since");
		if (p->stale)
			sw_buf_adds(b, ", an earlier phase changed since");
		break;
	case REVIEW_DRAFT:
		sw_buf_addf(b, "draft, waiting for review ('spec approve %s --phase %s')", r->name,
			    review_doc_name(p->doc));
		break;
	case REVIEW_FAILED:
		sw_buf_addf(b, "failed its checks, not written (try again: 'spec approve %s')", r->name);
		break;
	case REVIEW_UNREVIEWED:
		sw_buf_adds(b, "present, no review recorded");
		break;
	default:
		sw_buf_adds(b, "not written yet");
	}
}

static cJSON *status_json(const struct gen_run *r, const int *edited)
{
	cJSON *o = cJSON_CreateObject(), *ph = cJSON_AddArrayToObject(o, "phases");
	int i, next = first_unapproved(&r->review);

	cJSON_AddStringToObject(o, "spec", r->name);
	cJSON_AddStringToObject(o, "dir", r->display);
	cJSON_AddStringToObject(o, "type", review_type_name(r->review.type));
	cJSON_AddStringToObject(o, "workflow", r->review.design_first ? "design-first" : "requirements-first");
	sw_cmd_json_str(o, "request", r->review.request);
	for (i = 0; i < REVIEW_PHASES; i++) {
		const struct review_phase *p = &r->review.phases[i];
		cJSON *x = cJSON_CreateObject();
		char *disp = doc_display(r, p->doc);

		cJSON_AddStringToObject(x, "phase", review_doc_name(p->doc));
		cJSON_AddStringToObject(x, "file", disp);
		cJSON_AddStringToObject(x, "status", review_status_name(p->status));
		if (p->generated_at)
			cJSON_AddStringToObject(x, "generatedAt", p->generated_at);
		if (p->approved_at)
			cJSON_AddStringToObject(x, "approvedAt", p->approved_at);
		if (p->blob[0])
			cJSON_AddStringToObject(x, "approvedBlob", p->blob);
		cJSON_AddBoolToObject(x, "editedSinceApproval", edited[i]);
		cJSON_AddBoolToObject(x, "stale", p->stale);
		cJSON_AddNumberToObject(x, "repairs", p->repairs);
		cJSON_AddNumberToObject(x, "refinements", p->refinements);
		cJSON_AddItemToArray(ph, x);
		free(disp);
	}
	cJSON_AddBoolToObject(o, "complete", next == REVIEW_PHASES);
	if (next < REVIEW_PHASES)
		cJSON_AddStringToObject(o, "next", review_doc_name(r->review.phases[next].doc));
	else
		cJSON_AddNullToObject(o, "next");
	return o;
}

int cmd_spec_status(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec status NAME [--json]",
		"\nWhere a spec stands: for each phase whether its document is written, waiting for\n"
		"review or approved (and edited since), as recorded in .kiro/specs/NAME/.review.json.",
		NULL,
	};
	struct gen_run r;
	int i, rc, edited[REVIEW_PHASES] = { 0 };

	run_init(&r, ctx);
	argc = sw_cmd_parse_json(argc, argv, usage, 1, &r.json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "missing the spec NAME");
	if ((rc = load_existing(&r, argv[0], usage)) != 0)
		return finish_silent(&r, rc);
	for (i = 0; i < REVIEW_PHASES; i++) {
		struct sw_buf t = SW_BUF_INIT;
		char *path = doc_path(&r, r.review.phases[i].doc);
		int have = sw_read_file(&t, path, GEN_MAX_DOC, NULL) == 0;

		edited[i] = review_edited_since_approval(&r.review.phases[i], have ? t.ptr : NULL, t.len);
		sw_buf_release(&t);
		free(path);
	}
	if (r.json) {
		sw_cmd_json_print_line_take(status_json(&r, edited));
	} else {
		printf("spec %s (%s, %s)\n", r.name, review_type_name(r.review.type),
		       r.review.design_first ? "design-first" : "requirements-first");
		for (i = 0; i < REVIEW_PHASES; i++) {
			struct sw_buf w = SW_BUF_INIT;

			phase_words(&w, &r, &r.review.phases[i], edited[i]);
			printf("  %-16s %s\n", review_doc_file(r.review.phases[i].doc), w.ptr);
			sw_buf_release(&w);
		}
	}
	return finish_silent(&r, 0);
}
