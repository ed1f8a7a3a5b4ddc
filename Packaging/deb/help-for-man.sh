#!/usr/bin/env bash
# What help2man reads for the man page: `eagle-edge --help`, then each subcommand's --help under
# a heading of its own. The binary is $EAGLE_EDGE_BINARY (set by build.sh).
set -euo pipefail
bin=${EAGLE_EDGE_BINARY:?EAGLE_EDGE_BINARY names the eagle-edge binary}
[[ ${1:-} == --help ]] || { echo "only --help is supported" >&2; exit 2; }
"$bin" --help
# Subcommand names: the first word of the lines under SUBCOMMANDS, up to the next blank line.
for sub in $("$bin" --help | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'); do
    echo
    echo "COMMAND ${sub^^}:"
    "$bin" help "$sub" | sed -e '/^USAGE:/,$!d' -e 's/^\([A-Z][A-Z ]*\):$/  \1:/'
done
