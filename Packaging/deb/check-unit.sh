#!/bin/sh
# Checks the installed eagle-edge.service with the systemd of the system it is installed on:
# `systemd-analyze verify` must print nothing, and `systemd-analyze security --offline=yes` must
# rate its exposure at most 2.0. Packaging/deb/test-install.sh runs it in each test root.
set -u
unit=/lib/systemd/system/eagle-edge.service
[ -f "$unit" ] || unit=/usr/lib/systemd/system/eagle-edge.service
status=0

# --man=no: minimal roots have no man-db; the man page's presence is checked directly instead.
out=$(systemd-analyze verify --man=no "$unit" 2>&1)
if [ $? -ne 0 ] || [ -n "$out" ]; then
    echo "systemd-analyze verify: FAILED"; echo "$out"; status=1
else
    echo "systemd-analyze verify: clean ($(systemd-analyze --version | head -1))"
fi
if [ ! -f /usr/share/man/man1/eagle-edge.1.gz ]; then
    echo "man page eagle-edge(1) (Documentation=): missing"; status=1
fi

out=$(systemd-analyze security --offline=yes --threshold=20 "$unit" 2>&1)
code=$?
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for eagle-edge.service: \([0-9.]*\).*/\1/p')
if [ $code -ne 0 ] || [ -z "$score" ]; then
    printf '%s\n' "$out" | grep -E '✗|Overall'
    echo "systemd-analyze security: exposure ${score:-unknown} (at most 2.0 allowed): FAILED"; status=1
else
    echo "systemd-analyze security: exposure $score (at most 2.0)"
fi
exit $status
