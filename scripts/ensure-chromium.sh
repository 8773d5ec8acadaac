#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the end-to-end tests.
# The tests drive this system browser through playwright-core; they never download one.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "Chromium is missing: installing Debian's chromium package (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
  if [ ! -x "$CHROMIUM" ]; then
    echo "apt-get finished but $CHROMIUM is still missing." >&2
    exit 1
  fi
  exit 0
fi

cat >&2 <<MESSAGE
The end-to-end tests need Chromium at $CHROMIUM, and it is not installed.
Install Debian's package as root, then run the tests again:

    sudo apt-get update && sudo apt-get install -y chromium

(Triad's tests use this system browser through playwright-core and never download one.)
MESSAGE
exit 1
