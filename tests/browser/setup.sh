#!/bin/sh
# What the browser and report tests need, installed through the project's own files:
# Debian's chromium, chromium-driver and libharfbuzz-subset0 (only those missing; we never
# download a browser), and axe-core from npm at the version pinned in package-lock.json.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# The weekly report's PDF (WeasyPrint) subsets its fonts with HarfBuzz; without
# libharfbuzz-subset0 WeasyPrint warns, and the tests treat warnings as errors.
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
ldconfig -p | grep -q 'libharfbuzz-subset\.so\.0' || missing="$missing libharfbuzz-subset0"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "tests/browser/setup.sh: missing Debian packages:$missing;" \
            "install them as root: apt-get install -y$missing" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ ! -f "$here/node_modules/axe-core/axe.min.js" ] \
    || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
