/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prompts.c - the prompt files, embedded with the assembler's .incbin (the
 * path is relative to the top folder, where the build runs; the Makefile
 * names the files as this object's prerequisites).  Each blob is followed
 * by a NUL so it can be used as a C string.
 */
#include "base/compat.h"
#include "specs-engine/prompts.h"
#include "base/buf.h"

#define PROMPT_BLOB(sym, file)                                                      \
	__asm__(".section .rodata\n"                                                \
		".globl " #sym "_start\n.hidden " #sym "_start\n"                   \
		".globl " #sym "_end\n.hidden " #sym "_end\n"                       \
		".balign 16\n" #sym "_start:\n"                                     \
		".incbin \"specs-engine/prompts/" file "\"\n" #sym "_end:\n"        \
		".byte 0\n"                                                         \
		".previous\n");                                                     \
	extern const char sym##_start[], sym##_end[]

PROMPT_BLOB(sw_prompt_system, "system.md");
PROMPT_BLOB(sw_prompt_requirements, "requirements.md");
PROMPT_BLOB(sw_prompt_bugfix, "bugfix.md");
PROMPT_BLOB(sw_prompt_design, "design.md");
PROMPT_BLOB(sw_prompt_tasks, "tasks.md");
PROMPT_BLOB(sw_prompt_refine, "refine.md");
PROMPT_BLOB(sw_prompt_repair, "repair.md");
PROMPT_BLOB(sw_prompt_steering, "steering.md");
PROMPT_BLOB(sw_prompt_steering_product, "steering-product.md");
PROMPT_BLOB(sw_prompt_steering_tech, "steering-tech.md");
PROMPT_BLOB(sw_prompt_steering_structure, "steering-structure.md");

#define ENTRY(name, sym, desc) { name, desc, sym##_start, 0 }

static struct prompt_info prompts[] = {
	ENTRY("system", sw_prompt_system, "the role and rules shared by every phase of spec generation"),
	ENTRY("requirements", sw_prompt_requirements, "write requirements.md (EARS acceptance criteria)"),
	ENTRY("bugfix", sw_prompt_bugfix, "write bugfix.md (current, expected and unchanged behaviour)"),
	ENTRY("design", sw_prompt_design, "write design.md (architecture, interfaces, correctness properties)"),
	ENTRY("tasks", sw_prompt_tasks, "write tasks.md (tasks with requirement links and waves)"),
	ENTRY("refine", sw_prompt_refine, "revise a spec document after a review comment, keeping IDs"),
	ENTRY("repair", sw_prompt_repair, "fix a spec document that failed the checks"),
	ENTRY("steering", sw_prompt_steering, "write a steering file from the repository"),
	ENTRY("steering-product", sw_prompt_steering_product, "what product.md covers"),
	ENTRY("steering-tech", sw_prompt_steering_tech, "what tech.md covers"),
	ENTRY("steering-structure", sw_prompt_steering_structure, "what structure.md covers"),
};

static const char *const ends[] = {
	sw_prompt_system_end, sw_prompt_requirements_end, sw_prompt_bugfix_end, sw_prompt_design_end,
	sw_prompt_tasks_end, sw_prompt_refine_end, sw_prompt_repair_end, sw_prompt_steering_end,
	sw_prompt_steering_product_end, sw_prompt_steering_tech_end, sw_prompt_steering_structure_end,
};

const struct prompt_info *prompts_list(size_t *n)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(prompts); i++)
		prompts[i].len = (size_t)(ends[i] - prompts[i].text);
	*n = SW_ARRAY_SIZE(prompts);
	return prompts;
}

const struct prompt_info *prompts_get(const char *name)
{
	size_t i, n;
	const struct prompt_info *p = prompts_list(&n);

	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

char *prompts_render(const char *tmpl, const char *const *vars)
{
	struct sw_buf b = SW_BUF_INIT;
	const char *p = tmpl, *open, *close;
	size_t i;

	while ((open = strstr(p, "{{")) && (close = strstr(open + 2, "}}"))) {
		size_t klen = (size_t)(close - open - 2);
		const char *val = NULL;

		for (i = 0; vars && vars[i] && vars[i + 1]; i += 2)
			if (strlen(vars[i]) == klen && !strncmp(vars[i], open + 2, klen)) {
				val = vars[i + 1];
				break;
			}
		sw_buf_add(&b, p, (size_t)(open - p));
		if (val)
			sw_buf_adds(&b, val);
		else
			sw_buf_add(&b, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
	sw_buf_adds(&b, p);
	return sw_buf_detach(&b, NULL);
}
