/* SPDX-License-Identifier: Apache-2.0 */
/*
 * banned.h - functions that must not be used in Specwright.
 *
 * Each is redefined to an undeclared identifier, so a call fails to
 * compile with a message that names the function.  Included last by
 * compat.h.  Use sw_buf_addf() instead of sprintf/strcat, snprintf for
 * fixed buffers, gmtime_r/localtime_r, sw_proc for subprocesses and
 * strtol with end checks instead of atoi.
 */
#ifndef SW_BANNED_H
#define SW_BANNED_H

#define SW_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) SW_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SW_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SW_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) SW_BANNED(strncat)
#undef sprintf
#define sprintf(...) SW_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SW_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) SW_BANNED(strtok)
#undef gmtime
#define gmtime(t) SW_BANNED(gmtime)
#undef localtime
#define localtime(t) SW_BANNED(localtime)
#undef ctime
#define ctime(t) SW_BANNED(ctime)
#undef asctime
#define asctime(t) SW_BANNED(asctime)
#undef mktemp
#define mktemp(x) SW_BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) SW_BANNED(tmpnam)
#undef system
#define system(x) SW_BANNED(system)
#undef popen
#define popen(x, y) SW_BANNED(popen)
#undef atoi
#define atoi(x) SW_BANNED(atoi)
#undef atol
#define atol(x) SW_BANNED(atol)

#endif
