/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commitmsg.h - the message of a spec commit, written from what it changes.
 *
 * The subject names the spec and the documents touched and is at most
 * COMMITMSG_SUBJECT_MAX characters ("Add spec auth: requirements, design,
 * tasks", "Update spec auth: tasks"); the body lists, per document, what
 * was added, changed or removed.
 */
#ifndef COMMITMSG_H
#define COMMITMSG_H

#include "base/compat.h"
#include "git/vcs.h"

#define COMMITMSG_SUBJECT_MAX 72

/*
 * Returns the message for committing spec @name with the changes of @c
 * (caller frees).  Never fails: unreadable documents are described by
 * file name only.
 */
char *commitmsg_build(const char *name, const struct vcs_spec_commit *c);

#endif
