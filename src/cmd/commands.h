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

/* specs */

/* mcp */

/* knowledge */

/* chat */

/* acp */

#endif
