/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SW_VERSION_H
#define SW_VERSION_H
#define SPECWRIGHT_VERSION "0.1.0"
#endif
