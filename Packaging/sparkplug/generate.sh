#!/usr/bin/env bash
# Generates the Sparkplug B payload code of the CSparkplug target from sparkplug_b.proto with
# protoc-c (Debian: protobuf-c-compiler). The output is committed; Packaging/checks/sparkplug.sh
# runs this into a scratch directory and fails when the committed files differ.
#
# Usage: Packaging/sparkplug/generate.sh [TARGET_DIR]   (default: Sources/CSparkplug)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${1:-$root/Sources/CSparkplug}

if ! command -v protoc-c >/dev/null; then
    echo "protoc-c is not installed (Debian package protobuf-c-compiler; Packaging/host-dependencies.sh installs it)" >&2
    exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Run from the .proto's directory so the generated files name it without a path.
(cd "$here" && protoc-c --c_out="$scratch" sparkplug_b.proto)
mkdir -p "$target/include"
cp "$scratch/sparkplug_b.pb-c.c" "$target/sparkplug_b.pb-c.c"
cp "$scratch/sparkplug_b.pb-c.h" "$target/include/sparkplug_b.pb-c.h"
