#!/usr/bin/env bash
# Install what the quality gate and the browser tests need when it is missing: a Chromium for Playwright
# (chosen like cafetech.quality.CHROMIUM: $CAFETECH_CHROMIUM, else the first executable candidate) and a
# Java runtime for the Nu HTML validator. As root, or through sudo -n (GitHub's runners are not root).
# The tests set CAFETECH_CHROMIUM_CANDIDATES (space-separated), NEED_SYSTEM_PACKAGES_UID (for `id -u`)
# and NEED_SYSTEM_PACKAGES_DRY_RUN=1 (print the choice and the commands instead of running them).
set -euo pipefail

# cafetech/quality.py holds the same list (tests/unit/test_system_packages.py compares them).
default_candidates="/usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable"
dry_run=${NEED_SYSTEM_PACKAGES_DRY_RUN:-}

fail() {
  echo "need_system_packages: $*" >&2
  exit 1
}

chromium=""
if [ -n "${CAFETECH_CHROMIUM:-}" ]; then
  [ -f "$CAFETECH_CHROMIUM" ] && [ -x "$CAFETECH_CHROMIUM" ] \
    || fail "CAFETECH_CHROMIUM=$CAFETECH_CHROMIUM is not an executable file"
  chromium=$CAFETECH_CHROMIUM
else
  for candidate in ${CAFETECH_CHROMIUM_CANDIDATES:-$default_candidates}; do
    if [ -f "$candidate" ] && [ -x "$candidate" ]; then
      chromium=$candidate
      break
    fi
  done
fi
java=$(command -v java || true)

missing=()
[ -n "$chromium" ] || missing+=(chromium)
[ -n "$java" ] || missing+=(default-jre-headless)
if [ -n "$dry_run" ]; then
  echo "chromium: ${chromium:-missing}"
  echo "java: ${java:-missing}"
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${NEED_SYSTEM_PACKAGES_UID:-$(id -u)}" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)  # never a password prompt: a job with no terminal would wait for ever
else
  fail "cannot install ${missing[*]}: not root and no sudo; run 'apt-get install ${missing[*]}' as root"
fi

run() {
  if [ -n "$dry_run" ]; then
    echo "would run: $*"
  else
    "$@" >/dev/null
  fi
}

echo "need_system_packages: installing ${missing[*]}" >&2
run "${as_root[@]}" apt-get update -qq \
  && run "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
  || fail "cannot install ${missing[*]}: run 'sudo apt-get install ${missing[*]}', or set CAFETECH_CHROMIUM to a Chromium"
