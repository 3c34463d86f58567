/* SPDX-License-Identifier: Apache-2.0 */
/*
 * match.h - which hooks a file change concerns.
 *
 * Matching happens in two steps around the debouncer (watcher -> match ->
 * debounce -> action):
 *   1. before debouncing, by path only: does the hook's pattern (IDE globs
 *      relative to the workspace, or the v1 matcher regex) select the
 *      path?  The kind is not looked at yet, because a burst's raw events
 *      (a vim save is "deleted" then "created") differ from its net change.
 *   2. after debouncing, by net kind: fileEdited wants EDITED, fileCreated
 *      CREATED, fileDeleted DELETED.
 * The patterns themselves are the hook model's (kiro/hookfile.h); this file
 * only maps watcher events onto triggers.
 */
#ifndef HOOKS_MATCH_H
#define HOOKS_MATCH_H

#include "base/compat.h"
#include "hooks/watch.h"
#include "kiro/hookfile.h"

/* 1 if @h is enabled and has a file trigger (fileEdited, fileCreated, fileDeleted). */
int hooks_match_on_files(const struct kiro_hook *h);

/* Step 1: 1 if @h selects @path (workspace-relative). */
int hooks_match_path(const struct kiro_hook *h, const char *path);

/* Step 2: 1 if a net change of @kind fires @h's trigger. */
int hooks_match_kind(const struct kiro_hook *h, enum hooks_event_kind kind);

/* The trigger a net change of @kind fires. */
enum kiro_hook_trigger hooks_match_trigger(enum hooks_event_kind kind);

#endif
