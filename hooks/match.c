/* SPDX-License-Identifier: Apache-2.0 */
/*
 * match.c - file events onto hook triggers (see match.h).
 */
#include "base/compat.h"
#include "hooks/match.h"

static int is_file_trigger(enum kiro_hook_trigger t)
{
	return t == KIRO_HOOK_FILE_EDITED || t == KIRO_HOOK_FILE_CREATED || t == KIRO_HOOK_FILE_DELETED;
}

int hooks_match_on_files(const struct kiro_hook *h)
{
	return h->enabled && is_file_trigger(h->trigger);
}

int hooks_match_path(const struct kiro_hook *h, const char *path)
{
	return kiro_hook_matches_path(h, path);
}

enum kiro_hook_trigger hooks_match_trigger(enum hooks_event_kind kind)
{
	switch (kind) {
	case HOOKS_CREATED:
		return KIRO_HOOK_FILE_CREATED;
	case HOOKS_DELETED:
		return KIRO_HOOK_FILE_DELETED;
	case HOOKS_EDITED:
	case HOOKS_RENAMED:
		break;
	}
	return KIRO_HOOK_FILE_EDITED;
}

int hooks_match_kind(const struct kiro_hook *h, enum hooks_event_kind kind)
{
	return kind != HOOKS_RENAMED && h->trigger == hooks_match_trigger(kind);
}
