#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs every build and test dependency from Debian 12 packages, then the
# pinned npm test peers (tests/package.json) into tests/node_modules.
# Idempotent: packages already present are left alone.
set -eu

PKGS="build-essential pkg-config git ca-certificates curl
libcurl4-openssl-dev libcjson-dev libgit2-dev libcmark-dev libmd4c-dev libmd4c-html0-dev
libuv1-dev libmicrohttpd-dev libsqlite3-dev libyaml-dev libcmocka-dev
python3 clang
inotify-tools zsh groff-base"

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "make deps: run as root or install sudo" >&2; exit 1; }
	SUDO=sudo
fi

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	echo "make deps: installing$missing"
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
else
	echo "make deps: Debian packages present"
fi

# Test peers from the npm registry, pinned in tests/package.json; the lock file
# records no download addresses.
if [ -f tests/package.json ]; then
	if [ -d tests/node_modules ] && [ tests/node_modules/.stamp -nt tests/package.json ] \
	   && { [ ! -f tests/package-lock.json ] || [ tests/node_modules/.stamp -nt tests/package-lock.json ]; }; then
		echo "make deps: npm test peers present"
	else
		echo "make deps: installing npm test peers"
		( cd tests && npm config set omit-lockfile-registry-resolved true --location=project >/dev/null 2>&1 || true
		  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error;
		  else npm install --no-audit --no-fund --loglevel=error; fi
		  touch node_modules/.stamp )
	fi
fi

# Everything above succeeded (set -e): from now on tests/run.sh treats a test
# skipped for a missing dependency as a failure (see tests/run.sh).
: >tests/.deps-ok
echo "make deps: done (tests/.deps-ok)"
