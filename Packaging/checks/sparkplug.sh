#!/usr/bin/env bash
# Checks that Sources/CSparkplug is what Packaging/sparkplug/generate.sh makes of
# sparkplug_b.proto today: regenerates into a scratch directory and compares. A difference means
# someone edited the .proto without regenerating, or edited generated code by hand.
#
# Usage: Packaging/checks/sparkplug.sh [PACKAGE_DIR]   (exit status 1 on any difference)
set -euo pipefail
root=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$root/Packaging/sparkplug/generate.sh" "$scratch"
status=0
for file in sparkplug_b.pb-c.c include/sparkplug_b.pb-c.h; do
    if ! diff -u "$root/Sources/CSparkplug/$file" "$scratch/$file" >"$scratch/diff" 2>&1; then
        echo "Sources/CSparkplug/$file is not what Packaging/sparkplug/generate.sh makes of sparkplug_b.proto"
        echo "($(protoc-c --version | head -1)); run Packaging/sparkplug/generate.sh and commit the result:"
        head -20 "$scratch/diff"
        status=1
    fi
done
[ $status -eq 0 ] && echo "Sources/CSparkplug is current with Packaging/sparkplug/sparkplug_b.proto"
exit $status
