/* SPDX-License-Identifier: Apache-2.0 */
/*
 * generate.h - one phase of spec generation: prompt, agent, checks, repairs,
 * and the atomic write of the document.
 *
 * A phase is one conversation with an agent.  The first message is the
 * phase prompt (specs-engine/prompts/<phase>.md) followed by the request,
 * the steering, the spec's other documents and the knowledge base's best
 * hits; for a refinement it is the refine prompt with the reviewer's
 * comment and the current document.  The agent's final message is the
 * document: bare Markdown or one fenced markdown block (gen_extract).
 * The engine, not the agent, writes the file.
 *
 * Self-check: the document is parsed and linted by the specs engine in
 * the context of the spec's other documents (gen_check).  Errors go back
 * to the agent in the same conversation as file:line:col diagnostics, at
 * most max_repairs times.  If errors remain the phase fails: the file on
 * disk is left as it was and the rejected draft is returned to the caller.
 *
 * The agent is reached through struct gen_agent, which the command layer
 * fills with the built-in agent (or any other); this module never talks
 * to a model itself, which also keeps it below the agent layer.
 */
#ifndef GENERATE_H
#define GENERATE_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "specs-engine/review.h"

#define GEN_MAX_REPAIRS_DEFAULT 2
#define GEN_MAX_DOC (4u << 20) /* one generated document */

struct gen_agent {
	/*
	 * One turn: sends @message and sets @reply (appending) to the agent's
	 * final message.  @system is non-NULL on the first turn of a
	 * conversation (a new conversation starts) and NULL on follow-ups.
	 * Returns 0 or a negative SW_E* with @err set.
	 */
	int (*turn)(void *self, const char *system, const char *message, struct sw_buf *reply,
		    struct sw_error *err);
	void *self;
};

/*
 * Checks @text as the document @doc of the spec in folder @dir (the other
 * documents are read from there; @type says whether the spec is a bugfix)
 * and appends findings to @out with path @display_path.  @previous, when
 * non-NULL, is the document before a refinement: its requirement and task
 * IDs must survive with the same titles.
 * Returns 0 (findings are not failures) or SW_E* when checking itself failed.
 */
typedef int (*gen_check_fn)(struct sw_diags *out, enum review_doc doc, const char *text, size_t len,
			    const char *dir, const char *display_path, const char *previous,
			    struct sw_error *err);

struct gen_phase_opts {
	const char *spec;       /* the spec's name */
	const char *dir;        /* its folder (absolute) */
	const char *display;    /* the folder as shown in diagnostics (".kiro/specs/NAME") */
	const char *request;    /* what the user asked for */
	const struct review *review; /* workflow order and type */
	enum review_doc doc;    /* the phase to run */
	const char *steering;   /* steering text for the prompt, or NULL */
	const char *knowledge;  /* knowledge base hits for the prompt, or NULL */
	const char *comment;    /* a reviewer's comment: refine the existing document */
	int max_repairs;        /* repair turns allowed (GEN_MAX_REPAIRS_DEFAULT if < 0) */
	const struct gen_agent *agent;
	gen_check_fn check;     /* NULL: gen_check */
	const char *root;       /* the workspace: documents put in the prompt must resolve inside it
				   (base/contain.h); NULL checks nothing */
};
#define GEN_PHASE_OPTS_INIT { NULL, NULL, NULL, NULL, NULL, REVIEW_DOC_REQUIREMENTS, NULL, NULL, \
			      NULL, -1, NULL, NULL, NULL }

struct gen_phase_result {
	struct sw_buf text;     /* the document written (success) or the last rejected draft */
	struct sw_diags diags;  /* findings of the last check: warnings, or the errors that remain */
	int repairs;            /* repair turns used */
	int written;            /* the file was written */
};
#define GEN_PHASE_RESULT_INIT { SW_BUF_INIT, SW_DIAGS_INIT, 0, 0 }

/*
 * Runs phase @o->doc and, when its checks pass, writes the document
 * atomically to @o->dir.
 * Errors: SW_EINVAL (errors remain after the repairs; @res holds the draft
 * and the findings), SW_EPROTO (the agent's reply holds no document),
 * codes from the agent and from writing.
 */
int gen_run_phase(struct gen_phase_result *res, const struct gen_phase_opts *o, struct sw_error *err);

void gen_phase_result_release(struct gen_phase_result *res);

/*
 * The document in an agent's final message: the content of the one fenced
 * block whose info string is markdown/md (up to the last fence that closes
 * it, so fenced code inside the document survives), else of a message that
 * is one unlabelled fenced block, else the message itself from its first
 * heading on.  Leading and trailing blank lines are dropped and one final
 * newline is kept.  Errors: SW_EPROTO when nothing is left.
 */
int gen_extract(struct sw_buf *out, const char *reply, size_t len, struct sw_error *err);

/* The specs engine's checks (parse + lint + trace), as a gen_check_fn. */
int gen_check(struct sw_diags *out, enum review_doc doc, const char *text, size_t len,
	      const char *dir, const char *display_path, const char *previous, struct sw_error *err);

/*
 * Builds the first message of phase @o (for tests and for 'spec prompt').
 * Caller frees both strings.
 */
void gen_build_prompt(char **system, char **message, const struct gen_phase_opts *o);

#endif
