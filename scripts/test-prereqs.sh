#!/usr/bin/env bash
# System packages the browser test needs: Debian's chromium (never a downloaded browser build).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is not installed; the browser test will be skipped (apt-get install chromium)" >&2
    fi
fi
