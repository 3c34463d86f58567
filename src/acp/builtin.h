/* SPDX-License-Identifier: Apache-2.0 */
/*
 * builtin.h - the built-in agent loop (agent/) behind the ACP agent side.
 *
 * acp_builtin_serve() is `specwright acp`: it serves ACP on stdin/stdout
 * until the client hangs up, each ACP session being one agent_session.
 * Modes are agents: "kiro_default" and the custom agents of the workspace
 * and of ~/.kiro/agents; session/set_mode reopens the session's transcript
 * under the other agent, so the conversation carries over.  Permission
 * requests of the loop become session/request_permission; cancellation
 * reaches the running model call, tool or hook at once.
 *
 * What the client offers reaches the agent: its fs and terminal
 * capabilities carry the file and shell tools (for files inside the
 * session directory), and the MCP servers of session/new and session/load
 * are attached next to the workspace's and the agent's configured ones
 * (the client's win on a name clash).  Servers start in the background; a
 * prompt waits until each is ready or failed; one that fails is reported
 * (on_log, and a message at the start of the next turn) and the session
 * goes on without it.  Slash commands (available_commands_update) are the
 * steering documents included on request (manual, auto): "/name text"
 * runs as "#name text".
 */
#ifndef SW_ACP_BUILTIN_H
#define SW_ACP_BUILTIN_H

#include "base/compat.h"
#include "base/error.h"

/* A message for the operator (stderr): @warning 1 for problems, 0 for progress (shown with -v). */
typedef void (*acp_builtin_log_cb)(int warning, const char *msg, void *data);

struct acp_builtin_opts {
	const char *agent;       /* default agent (mode) for new sessions; NULL: kiro_default */
	const char *model;       /* --model, or NULL */
	const char *cwd;         /* where agents are looked up (absolute) */
	const char *version;     /* agentInfo.version */
	int trust_all;           /* run every tool without asking */
	int in_fd, out_fd;       /* normally 0 and 1 */
	acp_builtin_log_cb on_log; /* NULL: messages are dropped */
	void *log_data;
};

#define ACP_BUILTIN_OPTS_INIT { NULL, NULL, NULL, "0", 0, 0, 1, NULL, NULL }

/*
 * Serves until the client closes the connection.  Errors: SW_ENOTFOUND
 * (the --agent does not exist), SW_EINVAL/SW_EIO (stdin/stdout unusable).
 */
int acp_builtin_serve(const struct acp_builtin_opts *o, struct sw_error *err);

#endif
