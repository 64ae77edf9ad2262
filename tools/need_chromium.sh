#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium): install it when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "make test: the browser tests need Debian's chromium: run 'sudo apt-get install chromium'" >&2
  exit 1
fi
echo "make test: installing Debian's chromium for the browser tests" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
