#!/bin/sh
# What the browser tests need, installed through the project's own files: Debian's
# chromium and chromium-driver (only when missing; we never download a browser), and
# axe-core from npm at the version pinned in package-lock.json.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "tests/browser/setup.sh: chromium and chromium-driver are missing;" \
            "install them as root: apt-get install -y chromium chromium-driver" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium chromium-driver >/dev/null
fi
if [ ! -f "$here/node_modules/axe-core/axe.min.js" ] \
    || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
