/* SPDX-License-Identifier: Apache-2.0 */
/*
 * profile.c - an agent profile from a loaded Kiro agent definition.
 *
 * kiro/agent.h parses and validates the agent files; this file only maps
 * the loaded fields onto what the loop uses.  Knowledge base resources are
 * left to the knowledge tool; file:// and skill:// resources are kept as
 * written and expanded when the system prompt is built.
 */
#include "base/compat.h"
#include "agent/agent.h"
#include "kiro/agent.h"

static enum agent_hook_trigger map_trigger(enum kiro_agent_hook_trigger t)
{
	switch (t) {
	case KIRO_AGENT_SPAWN:
		return AGENT_HOOK_SPAWN;
	case KIRO_AGENT_PROMPT_SUBMIT:
		return AGENT_HOOK_PROMPT;
	case KIRO_AGENT_PRE_TOOL_USE:
		return AGENT_HOOK_PRE_TOOL;
	case KIRO_AGENT_POST_TOOL_USE:
		return AGENT_HOOK_POST_TOOL;
	case KIRO_AGENT_STOP:
	default:
		return AGENT_HOOK_STOP;
	}
}

void agent_profile_from_kiro(struct agent_profile *p, const struct kiro_agent *a)
{
	size_t i;

	*p = (struct agent_profile)AGENT_PROFILE_INIT;
	p->name = sw_xstrdup(a->name);
	p->prompt = a->prompt ? sw_xstrdup(a->prompt) : NULL;
	p->model = a->model ? sw_xstrdup(a->model) : NULL;
	/* A custom agent offers only the tools it lists ("*" and "@builtin" included). */
	p->all_tools = 0;
	sw_strvec_pushv(&p->tools, (const char *const *)a->tools.v);
	sw_strvec_pushv(&p->allowed_tools, (const char *const *)a->allowed_tools.v);
	p->tools_settings = a->tools_settings ? cJSON_Duplicate(a->tools_settings, 1) : NULL;
	p->tool_aliases = a->tool_aliases ? cJSON_Duplicate(a->tool_aliases, 1) : NULL;
	for (i = 0; i < a->resources_nr; i++) {
		const struct kiro_agent_resource *r = &a->resources[i];

		if (r->kind == KIRO_RESOURCE_FILE || r->kind == KIRO_RESOURCE_SKILL)
			sw_strvec_push(&p->resources, r->uri);
	}
	for (i = 0; i < a->hooks_nr; i++) {
		const struct kiro_agent_hook *h = &a->hooks[i];

		agent_profile_add_hook(p, map_trigger(h->trigger), h->command, h->matcher, (long)h->timeout_ms,
				       (long)h->max_output_size, (long)h->cache_ttl_seconds);
	}
	p->include_mcp_json = a->include_mcp_json == 1;
	/* Custom agents inherit the default resources (steering, AGENTS.md), as newer Kiro does. */
	p->default_resources = 1;
}
