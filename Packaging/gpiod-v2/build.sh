#!/usr/bin/env bash
# Builds the libgpiod v2 harness: the C shim Sources/CEagleShims/gpiod.c, unmodified, compiled
# against Debian trixie's libgpiod 2 (the board's API) with harness.c around it, so the v2 code
# path runs against gpio-sim in the virtual board (CommandLineTests.VirtualBoardGPIOv2Tests).
# The host (bookworm) has libgpiod 1.6 only; the appliance itself exercises v1 there.
#
#   Packaging/gpiod-v2/build.sh          # -> .build/gpiod-v2/eagle-gpiod-v2 (+ libgpiod.so.3)
#
# trixie's amd64 libgpiod3 and libgpiod-dev come from a private apt configuration (own sources,
# lists and cache under $EAGLE_GPIOD_V2_CACHE, default /var/cache/eagle-edge/gpiod-v2; the host's
# apt is untouched) and are unpacked with dpkg-deb -x, never installed. The library is copied
# next to the binary, which finds it through an $ORIGIN rpath. Idempotent: a complete cache asks
# the network nothing, and the harness is only rebuilt when one of its inputs changed.
set -euo pipefail

SUITE=trixie
MIRROR=${EAGLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PACKAGES=(libgpiod3 libgpiod-dev)
RECIPE=1 # bump when the download or unpack step changes what it produces

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
CACHE=${EAGLE_GPIOD_V2_CACHE:-/var/cache/eagle-edge/gpiod-v2}
out=$repo/.build/gpiod-v2
APTDIR=$CACHE/apt
ROOT=$CACHE/root

log() { printf '[gpiod-v2] %s\n' "$*"; }
die() { printf '[gpiod-v2] error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CACHE" "$out"
exec 9>"$CACHE/lock"
flock 9

apt_private() { APT_CONFIG="$APTDIR/apt.conf" apt-get -q -o APT::Sandbox::User=root "$@"; }

if [[ ! -f $CACHE/stamp || $(cat "$CACHE/stamp") != "$RECIPE $SUITE ${PACKAGES[*]}" ]]; then
    [[ -r $KEYRING ]] || die "$KEYRING missing (apt-get install debian-archive-keyring)"
    log "downloading ${PACKAGES[*]} from $SUITE (amd64)"
    rm -f "$CACHE/stamp"
    # Private apt configuration: trixie amd64 only, own lists and cache, an empty dpkg status.
    mkdir -p "$APTDIR"/{lists/partial,cache/archives/partial,state,debs,etc/sources.list.d,etc/preferences.d}
    : >"$APTDIR/status"
    echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APTDIR/etc/sources.list"
    cat >"$APTDIR/apt.conf" <<CONF
Dir::Etc::SourceList "$APTDIR/etc/sources.list";
Dir::Etc::SourceParts "$APTDIR/etc/sources.list.d";
Dir::Etc::Preferences "$APTDIR/etc/preferences";
Dir::Etc::PreferencesParts "$APTDIR/etc/preferences.d";
Dir::State "$APTDIR/state";
Dir::State::Lists "$APTDIR/lists";
Dir::State::status "$APTDIR/status";
Dir::Cache "$APTDIR/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
CONF
    apt_private update >"$CACHE/apt-update.log" 2>&1 || die "apt-get update failed (see $CACHE/apt-update.log)"
    rm -f "$APTDIR"/debs/*.deb
    (cd "$APTDIR/debs" && apt_private download "${PACKAGES[@]}") >"$CACHE/download.log" 2>&1 ||
        die "apt-get download failed (see $CACHE/download.log)"
    rm -rf "$ROOT" && mkdir -p "$ROOT"
    for deb in "$APTDIR"/debs/*.deb; do dpkg-deb -x "$deb" "$ROOT" || die "dpkg-deb -x $deb failed"; done
    echo "$RECIPE $SUITE ${PACKAGES[*]}" >"$CACHE/stamp"
fi

lib=$ROOT/usr/lib/x86_64-linux-gnu
[[ -f $ROOT/usr/include/gpiod.h && -e $lib/libgpiod.so ]] || die "the unpacked libgpiod-dev is incomplete under $ROOT"
so=$(basename "$(readlink -f "$lib/libgpiod.so")") # libgpiod.so.3.x.y
shim=$repo/Sources/CEagleShims
inputs=("$here/harness.c" "$shim/gpiod.c" "$shim/include/eagle_gpiod.h" "$ROOT/usr/include/gpiod.h" "$lib/$so" "${BASH_SOURCE[0]}")
binary=$out/eagle-gpiod-v2
stale=0
[[ -x $binary && -e $out/libgpiod.so.3 ]] || stale=1
for f in "${inputs[@]}"; do [[ $f -nt $binary ]] && stale=1; done
if [[ $stale == 0 ]]; then
    log "up to date: $binary"
    exit 0
fi
cp -L "$lib/$so" "$out/libgpiod.so.3"
# The v2 headers come first, so the host's v1 gpiod.h is never seen; the library is linked by
# file, not -lgpiod, so the host's libgpiod.so (v1) cannot be picked either.
cc -std=gnu11 -O2 -Wall -Wextra \
    -I"$ROOT/usr/include" -I"$shim/include" \
    -o "$binary.tmp" "$here/harness.c" "$shim/gpiod.c" "$out/libgpiod.so.3" \
    -Wl,-rpath,'$ORIGIN' || die "compiling the harness failed"
mv "$binary.tmp" "$binary"
api=$("$binary" api) || die "$binary does not run (glibc too old for trixie's libgpiod?)"
[[ $api == "api 2 "* ]] || die "$binary reports '$api', not libgpiod v2"
log "built $binary ($api)"
