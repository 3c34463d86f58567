/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tasks.h - tasks.md: the task list, its trace bullets, its dependency
 * graph, and byte-preserving status changes.
 *
 * Shape read (KIRO-FORMATS.md §1.5): bullet items "- [c] ID Title" where c
 * is ' ' (todo), 'x'/'X' (done), '-' (in progress) or '~' (queued); an
 * optional '*' right after the bracket marks an optional task; IDs are
 * "N.", "N", "N.M", "N.M." or deeper; sub-tasks are nested or written flat
 * at column 0 (the id decides the parent); titles may wrap over several
 * lines; detail bullets under a task carry "_Requirements: 1.1, 2.1–2.4_"
 * (also "all", "_Requisitos: …_", "_需求: …_"), "**Property N: …**" and
 * "**Validates: Requirements …**".  A checkbox item without an id is a
 * checklist entry, not a task.  A "## Task Dependency Graph" heading may be
 * followed by a code block holding the waves as JSON in any of these forms:
 *   {"waves": [{"id": 0, "tasks": ["1.1"]}, ...]}
 *   {"waves": [{"wave": 1, "description": "…", "tasks": ["1", "2"], "depends_on": [0]}]}
 *   {"waves": [["1"], ["2"]]}            and a bare top-level array of either;
 * task entries may be objects {"id": "1.2", "depends_on": ["1.1"]}.  A
 * graph that is not JSON (an arrow drawing) is kept as text and ignored.
 *
 * Diagnostic codes: tasks-none, tasks-checkbox, tasks-duplicate,
 * tasks-wrong-parent, tasks-orphan, tasks-numbering, tasks-done-parent-open,
 * tasks-ref-text, tasks-graph-json, tasks-graph-shape, waves-unknown-task,
 * waves-duplicate-task, md-utf8, spec-empty.
 *
 * Status changes (tasks_set_state) rewrite only the character between the
 * brackets of the task and of its ancestors; every other byte, CRLF line
 * endings and a BOM included, stays as it was.
 */
#ifndef SPECS_TASKS_H
#define SPECS_TASKS_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "specs-engine/md.h"
#include "specs-engine/req.h"

enum tasks_state {
	TASKS_TODO = 0, /* "[ ]" */
	TASKS_QUEUED,   /* "[~]" */
	TASKS_DOING,    /* "[-]" */
	TASKS_DONE,     /* "[x]" */
};

#define TASKS_NONE ((size_t)-1)

struct tasks_pos {
	int line, col;
};

struct tasks_prop_ref {
	char id[REQ_ID_MAX]; /* N of "Property N" (or "N.M") */
	int line, col;
};

struct tasks_task {
	char id[REQ_ID_MAX];        /* "2.1", without a final '.' */
	enum tasks_state state;
	char mark;                  /* the character between the brackets, as written */
	int optional;               /* '*' after the bracket */
	int checkpoint;             /* a "Checkpoint" task */
	char *title;                /* lines joined with one space */
	int line, col;              /* the list bullet */
	int mark_line, mark_col;    /* the character between the brackets */
	size_t mark_off;            /* its byte offset */
	int level;                  /* 0 for "N", 1 for "N.M", ... */
	size_t parent;              /* index in doc->tasks, TASKS_NONE at top level */
	size_t nchildren;           /* direct sub-tasks */
	struct sw_strvec details;   /* other detail bullets, text trimmed */
	size_t checklist;           /* checkbox bullets without an id under it */
	struct req_refs reqs;       /* _Requirements: …_ */
	struct req_refs validates;  /* **Validates: …** */
	struct tasks_prop_ref *props; /* **Property N** */
	size_t nprops, aprops;
	struct sw_strvec deps;      /* explicit dependencies (graph "depends_on") */
	struct tasks_pos *deps_pos; /* where each of deps is written in the graph */
};

struct tasks_wave {
	char *id;                   /* "id" / "wave" as text, or the index */
	char *name;                 /* "description" / "name", NULL if none */
	struct sw_strvec tasks;     /* task ids as written */
	struct sw_strvec depends_on;/* wave-level "depends_on", as text */
	int line, col;              /* the wave in the file */
	struct tasks_pos *tasks_pos;   /* where each of tasks is written */
	struct tasks_pos *depends_pos; /* where each of depends_on is written */
};

enum tasks_graph_format {
	TASKS_GRAPH_NONE = 0,  /* no graph */
	TASKS_GRAPH_OBJECTS,   /* {"waves":[{"id"|"wave", "tasks", ...}]} */
	TASKS_GRAPH_COMPACT,   /* {"waves":[["1"],["2"]]} */
	TASKS_GRAPH_TEXT,      /* a block that is not JSON */
	TASKS_GRAPH_INVALID,   /* JSON that did not parse or has the wrong shape */
};

struct tasks_graph {
	enum tasks_graph_format format;
	int line;                   /* first line of the block's contents */
	int col0;                   /* columns the block is indented by */
	int bare;                   /* the waves are a top-level array */
	char *json;                 /* the block's text, NULL when there is none */
	struct tasks_wave *waves;
	size_t nwaves, awaves;
};

struct tasks_doc {
	char *title;                /* first level-1 heading, "" if none */
	struct tasks_task *tasks;   /* in file order */
	size_t ntasks, atasks;
	size_t unnumbered;          /* top-level checkbox items without an id */
	struct tasks_graph graph;
	size_t *id_slot;            /* id index for tasks_find: task index + 1 per slot, 0 empty */
	size_t id_mask;             /* slots - 1 */
};

/*
 * Parses tasks.md from @md into *@out (free with tasks_doc_free()).
 * Findings go to @diags (may be NULL) under file name @path.  Returns 0.
 */
int tasks_parse(struct tasks_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
		struct sw_error *err);
void tasks_doc_free(struct tasks_doc *doc);

/* Index of the first task @id (a final '.' is ignored), or TASKS_NONE.  O(1). */
size_t tasks_find(const struct tasks_doc *doc, const char *id);
/* 1 if task @i has no sub-tasks. */
int tasks_is_leaf(const struct tasks_doc *doc, size_t i);

/* "todo", "queued", "doing", "done". */
const char *tasks_state_name(enum tasks_state st);
/* Accepts the names above and "in_progress", "in-progress", "completed"; -1 if unknown. */
int tasks_state_from_name(const char *name);
/* ' ', '~', '-', 'x'. */
char tasks_state_char(enum tasks_state st);

/*
 * The state a parent should show given its children, the way Kiro keeps
 * it: done when every required (non-'*') child is done (every child when
 * all are optional); in progress while some child is in progress or done;
 * queued when some child is queued; else todo.
 */
enum tasks_state tasks_parent_state(const struct tasks_doc *doc, size_t parent);

struct tasks_change {
	char id[REQ_ID_MAX];
	enum tasks_state from, to;
	int line, col;              /* the bracket character */
};

/*
 * Sets task @id in the tasks.md text @text to @st, then brings each
 * ancestor's marker in line (tasks_parent_state).  Only bracket characters
 * change.  *@changes (caller frees with free()) lists what changed, in
 * order, *@nchanges its length (0 when the file already said so).
 * Errors: SW_ENOTFOUND (no task @id; the message names the nearest id).
 */
int tasks_set_state(struct sw_buf *text, const char *id, enum tasks_state st, struct tasks_change **changes,
		    size_t *nchanges, struct sw_error *err);

#endif
