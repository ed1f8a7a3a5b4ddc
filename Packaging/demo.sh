#!/usr/bin/env bash
# The main job on embedded defaults. Until the capture and expert land this validates the
# shipped configuration and shows the linked libraries; later it runs the demo line.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/Packaging/host-dependencies.sh"
"$root/Packaging/weights/fetch.sh"
swift build -c release --product eagle-edge 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/eagle-edge
"$bin" version
"$bin" check-config "$root/Config/eagle-edge.yaml"
