#!/usr/bin/env bash
# The main job on embedded defaults: the synthetic demo line. Teaches a model on the synthetic
# line's good parts (once; kept in the demo directory), runs the line at 30 parts/s for a
# minute (Ctrl-C stops it sooner) with a live status, and ends with the summary against the
# synthetic ground truth. Arguments go to `eagle-edge demo` (e.g. --duration 20).
# The offline evaluation on MVTec AD bottle stays a command of its own:
#   eagle-edge eval --precision int8,fp32 ../shared/data/mvtec_ad/bottle
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/Packaging/host-dependencies.sh"
"$root/Packaging/weights/fetch.sh"
swift build -c release --product eagle-edge 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/eagle-edge
"$bin" version | head -1
exec "$bin" demo "$@"
