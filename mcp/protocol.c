/* SPDX-License-Identifier: Apache-2.0 */
/*
 * protocol.c - version negotiation and logging level names.
 */
#include "base/compat.h"
#include "protocol.h"

const char *const mcp_versions[] = { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL };

static const char *const levels[] = { "debug", "info", "notice", "warning", "error",
				      "critical", "alert", "emergency" };

int mcp_version_supported(const char *v)
{
	size_t i;

	for (i = 0; v && mcp_versions[i]; i++)
		if (!strcmp(v, mcp_versions[i]))
			return 1;
	return 0;
}

const char *mcp_version_negotiate(const char *asked)
{
	size_t i;

	for (i = 0; asked && mcp_versions[i]; i++)
		if (!strcmp(asked, mcp_versions[i]))
			return mcp_versions[i];
	return MCP_LATEST_VERSION;
}

int mcp_log_level(const char *name)
{
	size_t i;

	for (i = 0; name && i < SW_ARRAY_SIZE(levels); i++)
		if (!strcmp(name, levels[i]))
			return (int)i;
	return -1;
}

const char *mcp_log_level_name(int level)
{
	if (level < 0 || (size_t)level >= SW_ARRAY_SIZE(levels))
		return "info";
	return levels[level];
}
