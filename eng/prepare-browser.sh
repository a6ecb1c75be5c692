#!/usr/bin/env bash
# Installs what the browser tests (tests/IpyBox.AI.WebChat.Tests) drive: Debian's Chromium and its chromedriver.
# Idempotent: does nothing when both are there.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "[prepare-browser] chromium and chromedriver are installed"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver
/usr/bin/chromium --version
/usr/bin/chromedriver --version
echo "[prepare-browser] ready"
