/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec.h - a spec folder as one object: find, load, lint, change.
 *
 * This is the API the CLI, the MCP "specs" tools, the orchestrator and the
 * generation self-check use.  A spec is a folder .kiro/specs/<name>/ (or
 * the early preview's .kiro/plans/<name>/) holding requirements.md or
 * bugfix.md, design.md, tasks.md and optionally .config.kiro.  Loading
 * parses every file that is present (missing files are fine: a spec is
 * written one phase at a time) and collects the per-file findings; the
 * cross-document checks (references, coverage, the waves graph) run in
 * spec_load() too, so after a load spec->diags holds the full lint.
 *
 * Calling sequence:
 *   struct spec *s = NULL;
 *   spec_resolve(&dir, kiro_dir, "my-feature", &err);   -- or any folder path
 *   spec_load(&s, dir, cwd, &err);
 *   ... s->reqs, s->design, s->tasks, s->diags ...
 *   spec_free(s);
 * and, to change a task's status on disk (locked, atomic, byte-preserving):
 *   spec_set_task_state(dir, "2.1", TASKS_DONE, &changes, &n, &err);
 *
 * Cross-document diagnostic codes: trace-unknown-criterion,
 * trace-unknown-property, trace-uncovered, waves-* (waves.h), spec-config,
 * spec-unknown-file, plus every per-file code (req.h, bugfix.h, design.h,
 * tasks.h, ears.h).
 */
#ifndef SPECS_SPEC_H
#define SPECS_SPEC_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "specs-engine/bugfix.h"
#include "specs-engine/design.h"
#include "specs-engine/md.h"
#include "specs-engine/req.h"
#include "specs-engine/tasks.h"

#define SPEC_MAX_FILE (64u << 20) /* one spec document */

struct spec_config {
	int present;          /* .config.kiro exists */
	char *spec_id;        /* "specId", NULL if absent */
	char *workflow_type;  /* "workflowType" (requirements-first | design-first) */
	char *spec_type;      /* "specType" (feature | bugfix) */
	char *generation_mode;/* "generationMode" (older key) */
};

struct spec_file {
	char *path;           /* as opened; NULL when the file is absent */
	char *display;        /* path for messages (relative to the base given to spec_load) */
	struct sw_buf text;   /* the bytes on disk */
	struct md_doc *md;    /* parsed; NULL when absent */
};

struct spec {
	char *name;              /* folder name */
	char *dir;               /* folder path as given */
	int bugfix;              /* requirements come from bugfix.md */
	struct spec_config config;
	struct spec_file req;    /* requirements.md or bugfix.md */
	struct spec_file design;
	struct spec_file tasks;
	struct req_doc *reqs;    /* NULL when absent */
	struct design_doc *design_doc;
	struct tasks_doc *tasks_doc;
	struct sw_strvec extra;  /* other files in the folder (names) */
	struct sw_diags diags;   /* every finding, sorted by file, line, column */
};

/*
 * Appends to @out the folders of every spec under @kiro_dir (specs/ and
 * plans/), sorted by name within each.  Errors: SW_EIO.
 */
int spec_list(struct sw_strvec *out, const char *kiro_dir, struct sw_error *err);

/*
 * Sets *@dir (caller frees) to the folder for @name: a spec name under
 * @kiro_dir/specs or @kiro_dir/plans, or a path to a folder.
 * @kiro_dir may be NULL when @name is a path.
 * Errors: SW_ENOTFOUND (the message lists the nearest name).
 */
int spec_resolve(char **dir, const char *kiro_dir, const char *name, struct sw_error *err);

/*
 * Loads and lints the spec in folder @dir.  Paths in diagnostics are shown
 * relative to @base (may be NULL).  Errors: SW_ENOTFOUND (no such folder,
 * or no spec file in it), SW_EIO, SW_ETOOBIG.
 */
int spec_load(struct spec **out, const char *dir, const char *base, struct sw_error *err);

/*
 * As spec_load(), but each document (and .config.kiro) is read only if it
 * resolves inside folder @root, the workspace (base/contain.h); NULL
 * checks nothing.  Errors: as spec_load(), and SW_EINVAL for a document
 * that resolves outside @root ("'.kiro/specs/x/tasks.md' resolves outside
 * the workspace (/tmp/t.md); refused"): nothing of it is read.
 */
int spec_load_inside(struct spec **out, const char *dir, const char *base, const char *root,
		     struct sw_error *err);

/*
 * Loads the spec around the single file @path and keeps only the findings
 * about that file.  The file's kind comes from its name (requirements*,
 * bugfix*, design*, tasks*); its siblings with the same suffix (tasks-es.md
 * pairs with requirements-es.md), else the canonical ones, supply the
 * cross references.  Errors: as spec_load(), and SW_EINVAL when the name
 * says nothing about the kind.
 */
int spec_load_file(struct spec **out, const char *path, const char *base, struct sw_error *err);

void spec_free(struct spec *s);

/* The text of the file a diagnostic names (by its display path), for excerpts; 0 if unknown. */
int spec_source(const struct spec *s, const char *display, const char **text, size_t *len);

/*
 * Sets task @id of the spec in @dir to @st and updates the parents'
 * markers (tasks_set_state), under a lock on the folder so concurrent
 * writers serialise, then writes tasks.md atomically
 * (sw_write_atomic_within): a tasks.md that is a symbolic link is written
 * through, beside its target, when the target lies in the workspace (the
 * nearest folder holding ".kiro" at or above @dir), and refused when it
 * does not; stale temporary files of earlier, killed writes are removed.
 * *@changes (caller frees) lists what changed.
 * Errors: SW_ENOTFOUND (no tasks.md, no such task), SW_ETIMEOUT (lock),
 * SW_EINVAL (tasks.md leads out of the workspace), SW_EIO.
 */
int spec_set_task_state(const char *dir, const char *id, enum tasks_state st, struct tasks_change **changes,
			size_t *nchanges, struct sw_error *err);

/*
 * spec_set_task_state() for the @n tasks @ids at once: one read, one write
 * (a run marks its whole plan queued this way).  A task id that is not
 * there stops it with SW_ENOTFOUND before anything is written.
 */
int spec_set_task_states(const char *dir, const char *const *ids, size_t n, enum tasks_state st,
			 struct sw_error *err);
/* As spec_set_task_state(), reading tasks.md only if it resolves inside @root (NULL: no check). */
int spec_set_task_state_inside(const char *root, const char *dir, const char *id, enum tasks_state st,
			       struct tasks_change **changes, size_t *nchanges, struct sw_error *err);

#endif
