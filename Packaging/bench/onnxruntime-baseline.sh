#!/usr/bin/env bash
# Same-machine ONNX Runtime baseline for the int8 backbone benchmark (see README.md beside this).
#   Packaging/bench/onnxruntime-baseline.sh [--full-only] [--json] [--runs N]
# Creates (or reuses) a venv in ${EAGLE_CACHE:-$HOME/.cache/eagle-edge}/ort-venv with pinned
# onnxruntime, onnx, numpy and pillow from PyPI, then runs onnxruntime_baseline.py with the
# arguments given. Nothing it downloads or generates is written into the repository.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${EAGLE_CACHE:-$HOME/.cache/eagle-edge}
venv="$cache/ort-venv"
requirements=(onnxruntime==1.31.1 onnx==1.23.2 numpy pillow)

say() { echo "[ort-baseline] $*" >&2; }
die() { echo "[ort-baseline] error: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is needed (apt-get install python3 python3-venv)"
mkdir -p "$cache"
# Two runs at once must not build the same venv: one at a time.
exec 9>"$cache/ort-venv.lock"
flock 9

stamp="$venv/.eagle-requirements"
if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (apt-get install python3-venv)"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "${requirements[*]}" ]; then
    say "installing ${requirements[*]} from PyPI"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" ||
        die "pip install failed (is PyPI reachable?)"
    echo "${requirements[*]}" >"$stamp"
fi
flock -u 9

exec "$venv/bin/python" "$here/onnxruntime_baseline.py" "$@"
