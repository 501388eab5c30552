#!/usr/bin/env bash
# Installs Debian's Chromium (for the browser and Angular tests) when it is missing.
# playwright-core drives it at /usr/bin/chromium; no browser is ever downloaded by npm.
set -euo pipefail
if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
  exit 0
fi
sudo=''
if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
