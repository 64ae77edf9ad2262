#!/usr/bin/env bash
# The quality gate and the browser tests need two Debian packages: Chromium (/usr/bin/chromium,
# driven by Playwright) and a Java runtime (the Nu HTML validator). Install what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "make test: the tests need Debian's ${missing[*]}: run 'sudo apt-get install ${missing[*]}'" >&2
  exit 1
fi
echo "make test: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
