/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commands.h - the top-level command handlers, one per group file in cmd/.
 * Each is listed in the table in main.c.
 */
#ifndef SW_COMMANDS_H
#define SW_COMMANDS_H

#include "cmd/cmd.h"
#include "base/opt.h"

/* workspace */
int cmd_workspace_init(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_workspace_doctor(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_steering(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_hooks(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_agent(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_steering_generate(int argc, const char **argv, struct sw_ctx *ctx);
/* 1 if @text is still what 'init' wrote at .kiro-relative path @rel (".kiro/steering/tech.md"). */
int cmd_workspace_is_template(const char *rel, const char *text, size_t len);

/* specs */
int cmd_spec(int argc, const char **argv, struct sw_ctx *ctx);

/* run (cmd/run.c) */
int cmd_run(int argc, const char **argv, struct sw_ctx *ctx);

/* mcp */
int cmd_mcp(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_mcp_serve(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_mcp_tools(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_mcp_call(int argc, const char **argv, struct sw_ctx *ctx);
/* mcp list --status: start each enabled server and report (cmd/mcp_client.c) */
int cmd_mcp_status(int json, struct sw_ctx *ctx, uint64_t timeout_ms);

/* knowledge */
int cmd_knowledge(int argc, const char **argv, struct sw_ctx *ctx);

/* chat */
int cmd_chat(int argc, const char **argv, struct sw_ctx *ctx);

/* acp */
int cmd_acp(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_acp_client(int argc, const char **argv, struct sw_ctx *ctx);

#endif
