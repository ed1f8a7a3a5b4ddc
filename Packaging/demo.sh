#!/usr/bin/env bash
# The main job on embedded defaults. Until the pipeline and the demo line land, this validates the
# shipped configuration, shows the linked libraries, lists the cameras, checks the backbone on the
# two ImageNet photos, and teaches and evaluates the expert on MVTec AD bottle in int8 and fp32,
# with their parity figures (about two minutes).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/Packaging/host-dependencies.sh"
"$root/Packaging/weights/fetch.sh"
swift build -c release --product eagle-edge 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/eagle-edge
"$bin" version
"$bin" check-config "$root/Config/eagle-edge.yaml"
data="$root/../shared/data"
"$bin" classify --top 3 "$data/imagenet-sanity/chelsea.png" "$data/imagenet-sanity/coffee.png"
"$bin" cameras
"$bin" eval --precision int8,fp32 "$data/mvtec_ad/bottle"
