/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_store.h - the "store" tool set: fs_read, fs_write and fs_list over
 * one root directory (a flock's shared store, or any folder).
 *
 * Keys are relative paths.  Each is normalised (sw_path_normalize), so
 * ".." and absolute paths are refused, and must lie under one of the read
 * prefixes (reads and listings) or write prefixes (writes).  It is then
 * opened beneath the root without following any symbolic link
 * (sw_fs_open_beneath), so a key whose way goes through a link is
 * refused even when the link stays inside the root: the prefix that was
 * checked is always the folder that is read or written.  A refused key is
 * an isError result whose text says which rule it broke, so a model can
 * correct itself; nothing outside is touched.
 *
 * Prefixes are directory prefixes: "output/" (or "output") admits
 * "output" and everything below it; "" admits the whole root.
 *
 * The set also exposes readable files as resources "store:///KEY".
 */
#ifndef MCP_TOOLS_STORE_H
#define MCP_TOOLS_STORE_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "server.h"

#define MCP_STORE_MAX_READ (1u << 20)     /* bytes returned by one fs_read */
#define MCP_STORE_MAX_WRITE (16u << 20)   /* size of a file fs_write produces */
#define MCP_STORE_LIST_PAGE 200           /* default fs_list page */

struct mcp_store_opts {
	const char *root;                  /* the store's directory (must exist) */
	const struct sw_strvec *read;      /* read/list prefixes; NULL or empty: everything */
	const struct sw_strvec *write;     /* write prefixes; NULL: "output/", "store/" */
};

#define MCP_STORE_OPTS_INIT { NULL, NULL, NULL }

/*
 * Makes the tool set (add it with mcp_server_add_toolset).
 * Errors: SW_ENOTFOUND (no such root directory), SW_EINVAL (a prefix is
 * absolute or contains "..").
 */
int mcp_store_toolset_new(struct mcp_toolset **out, const struct mcp_store_opts *o,
			  struct sw_error *err);

#endif
