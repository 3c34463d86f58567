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
 */
#ifndef SW_ACP_BUILTIN_H
#define SW_ACP_BUILTIN_H

#include "base/compat.h"
#include "base/error.h"

struct acp_builtin_opts {
	const char *agent;       /* default agent (mode) for new sessions; NULL: kiro_default */
	const char *model;       /* --model, or NULL */
	const char *cwd;         /* where agents are looked up (absolute) */
	const char *version;     /* agentInfo.version */
	int trust_all;           /* run every tool without asking */
	int in_fd, out_fd;       /* normally 0 and 1 */
};

#define ACP_BUILTIN_OPTS_INIT { NULL, NULL, NULL, "0", 0, 0, 1 }

/*
 * Serves until the client closes the connection.  Errors: SW_ENOTFOUND
 * (the --agent does not exist), SW_EINVAL/SW_EIO (stdin/stdout unusable).
 */
int acp_builtin_serve(const struct acp_builtin_opts *o, struct sw_error *err);

#endif
