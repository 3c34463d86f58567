/* SPDX-License-Identifier: Apache-2.0 */
/*
 * protocol.h - Model Context Protocol constants shared by client and server.
 *
 * Revisions spoken: 2025-11-25 (preferred), 2025-06-18, 2025-03-26 and
 * 2024-11-05.  Both sides echo a supported version and otherwise offer
 * the newest one; a client that receives a version it does not know
 * disconnects.
 */
#ifndef MCP_PROTOCOL_H
#define MCP_PROTOCOL_H

#include "base/compat.h"

#define MCP_LATEST_VERSION "2025-11-25"

/* JSON-RPC and MCP error codes. */
enum {
	MCP_PARSE_ERROR = -32700,
	MCP_INVALID_REQUEST = -32600,
	MCP_METHOD_NOT_FOUND = -32601,
	MCP_INVALID_PARAMS = -32602,
	MCP_INTERNAL_ERROR = -32603,
	MCP_RESOURCE_NOT_FOUND = -32002,
};

/* The supported revisions, newest first, NULL-terminated. */
extern const char *const mcp_versions[];

/* 1 if @v is a revision we speak. */
int mcp_version_supported(const char *v);

/* The version to answer an initialize that asked for @asked (NULL allowed). */
const char *mcp_version_negotiate(const char *asked);

/* Logging levels (RFC 5424 names, lowest first); -1 for an unknown name. */
int mcp_log_level(const char *name);
const char *mcp_log_level_name(int level);

#endif
