#!/usr/bin/env bash
# Builds the Debian package of EagleEdge for one architecture:
#
#   Packaging/deb/build.sh amd64|arm64 [--version-suffix S] [--reuse-binary] [--out DIR]
#
#   amd64  the host's Swift, release, --static-swift-stdlib (the Swift runtime is linked in)
#   arm64  cross-built by Packaging/arm64/build.sh --product (Debian 13's Swift 6.0.3, static
#          Swift runtime too), against its trixie sysroot
#
# The version is EagleEdgeVersion.string (Sources/eagle-edge/EagleEdgeVersion.swift), the one the
# binary prints; --version-suffix appends to the package's version only (the upgrade test packs
# the same binary as a newer package). --reuse-binary skips the Swift build when a binary is
# there. Writes DIR/eagle-edge_<version>_<arch>.deb, DIR defaulting to .build-deb/ (git-ignored),
# and runs lintian on it: an error fails the build. docs/packaging.md describes the contents.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)

arch=${1:-}
case $arch in amd64|arm64) shift ;; *) echo "usage: $0 amd64|arm64 [--version-suffix S] [--reuse-binary] [--out DIR]" >&2; exit 2 ;; esac
suffix=
reuse=0
out="$repo/.build-deb"
while (($#)); do
    case $1 in
        --version-suffix) suffix=${2:?$1 needs a value}; shift ;;
        --reuse-binary) reuse=1 ;;
        --out) out=${2:?$1 needs a value}; shift ;;
        *) echo "build.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
say() { echo "[deb $arch] $*"; }
die() { echo "[deb $arch] error: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "must run as root (the arm64 cross-build chroots; files owned by root in the package)"

upstream=$(sed -nE 's/.*static let string = "([^"]+)".*/\1/p' "$repo/Sources/eagle-edge/EagleEdgeVersion.swift")
[[ $upstream =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die "no version in Sources/eagle-edge/EagleEdgeVersion.swift"
version="$upstream$suffix"
weights_dir="$repo/.cache/weights"
[[ -f $weights_dir/efficientnet-lite0.safetensors ]] || "$repo/Packaging/weights/fetch.sh"

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
work="$out/$arch"
sysroot=${EAGLE_ARM64_CACHE:-/var/cache/eagle-edge/arm64}/sysroot
start=$SECONDS

# ------------------------------------------------------------------ the binary
case $arch in
amd64)
    scratch="$work/swift"
    binary="$scratch/release/eagle-edge"
    if ((reuse == 0)) || [[ ! -x $binary ]]; then
        say "swift build -c release --static-swift-stdlib --product eagle-edge"
        (cd "$repo" && swift build -c release --static-swift-stdlib --product eagle-edge --scratch-path "$scratch" 2>&1 |
            grep -E "error|warning: unre|Build|Compiling eagle" | tail -5)
        [[ -x $binary ]] || die "the build made no $binary"
    fi
    ;;
arm64)
    scratch="$work/swift"
    binary="$scratch/aarch64-unknown-linux-gnu/release/eagle-edge"
    if ((reuse == 0)) || [[ ! -x $binary ]]; then
        "$repo/Packaging/arm64/build.sh" --product eagle-edge -c release --static-swift-stdlib --scratch-path "$scratch"
    fi
    [[ -d $sysroot ]] || die "no arm64 sysroot at $sysroot"
    ;;
esac
say "binary built in $((SECONDS - start)) s"

# ------------------------------------------------------------------ the tree
root="$work/root"
rm -rf "$root"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/eagle-edge" "$root/etc/eagle-edge" \
    "$root/lib/systemd/system" "$root/lib/udev/rules.d" "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" \
    "$root/usr/share/man/man1" "$root/usr/share/doc/eagle-edge" "$root/usr/share/lintian/overrides"

# Debian strips with --strip-unneeded and drops .comment/.note (dh_strip); the toolchain's
# llvm-objcopy handles both architectures.
objcopy=$(command -v llvm-objcopy || echo /opt/swift/usr/bin/llvm-objcopy)
"$objcopy" --strip-unneeded --remove-section=.comment --remove-section=.note "$binary" "$root/usr/bin/eagle-edge"
chmod 0755 "$root/usr/bin/eagle-edge"
# The arm64 harness links every binary with the rpath of trixie's Swift runtime; with the runtime
# linked in statically nothing is looked up there, and Debian forbids custom search paths.
if [[ -n $(patchelf --print-rpath "$root/usr/bin/eagle-edge") ]]; then
    patchelf --remove-rpath "$root/usr/bin/eagle-edge"
fi

install -m 0644 "$weights_dir/efficientnet-lite0.safetensors" "$weights_dir/imagenet-classes.txt" "$root/usr/share/eagle-edge/"
install -m 0644 "$here/weights-licence.txt" "$root/usr/share/eagle-edge/efficientnet-lite0.LICENSE"
install -m 0644 "$repo/Config/eagle-edge.yaml" "$root/etc/eagle-edge/eagle-edge.yaml"
install -m 0644 "$here/eagle-edge.service" "$root/lib/systemd/system/eagle-edge.service"
install -m 0644 "$repo/Board/udev/60-eagle-edge.rules" "$root/lib/udev/rules.d/60-eagle-edge.rules"
install -m 0644 "$here/sysusers.conf" "$root/usr/lib/sysusers.d/eagle-edge.conf"
install -m 0644 "$here/tmpfiles.conf" "$root/usr/lib/tmpfiles.d/eagle-edge.conf"
install -m 0644 "$here/copyright" "$root/usr/share/doc/eagle-edge/copyright"
install -m 0644 "$repo/docs/packaging.md" "$root/usr/share/doc/eagle-edge/packaging.md"
install -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/eagle-edge"
# A native package's changelog: debian/changelog format, the version filled in.
sed -e "s/@VERSION@/$version/" "$here/changelog" | gzip -9n >"$root/usr/share/doc/eagle-edge/changelog.gz"

# The man page, from --help of the command and of each subcommand (the arm64 binary runs through
# qemu-aarch64, its libraries from the sysroot).
EAGLE_EDGE_BINARY="$root/usr/bin/eagle-edge" QEMU_LD_PREFIX="$sysroot" help2man --no-info --no-discard-stderr --version-string="$upstream" --section=1 --source=EagleEdge \
    --name="visual inspection station for production lines" --include="$here/man-include.h2m" \
    "$here/help-for-man.sh" >"$work/eagle-edge.1" 2>"$work/help2man.log" \
    || { cat "$work/help2man.log" >&2; die "help2man failed"; }
sed -i -e 's/HELP-FOR-MAN\.SH/EAGLE-EDGE/g' -e 's/help-for-man\.sh/eagle-edge/g' "$work/eagle-edge.1"
gzip -9n <"$work/eagle-edge.1" >"$root/usr/share/man/man1/eagle-edge.1.gz"

install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
echo /etc/eagle-edge/eagle-edge.yaml >"$root/DEBIAN/conffiles"
find "$root" -path "$root/DEBIAN" -prune -o -type d -exec chmod 0755 {} +

# ------------------------------------------------------------------ Depends
# dpkg-shlibdeps maps each library the binary links to the package (and minimum version) that
# provides it. For arm64 the libraries are the trixie sysroot's: a private dpkg database made
# from the sysroot's .debs says which package ships which file and carries their symbols files.
shlib_work="$work/shlibdeps"
rm -rf "$shlib_work"
mkdir -p "$shlib_work/debian"
printf 'Source: eagle-edge\n\nPackage: eagle-edge\nArchitecture: %s\n' "$arch" >"$shlib_work/debian/control"
shlibdeps_args=()
if [[ $arch == arm64 ]]; then
    admin="$work/dpkg-admin"
    debs_dir=${EAGLE_ARM64_CACHE:-/var/cache/eagle-edge/arm64}/apt/debs
    stamp=$(sha256sum "$sysroot/.packages" | cut -c1-16)
    if [[ ! -f $admin/stamp || $(cat "$admin/stamp") != "$stamp" ]]; then
        say "making a dpkg database of the arm64 sysroot's libraries"
        rm -rf "$admin"
        mkdir -p "$admin/info" "$admin/updates"
        : >"$admin/status"
        # A multiarch database (info/pkg:arch.* names) knowing arm64 beside the native arch.
        echo 1 >"$admin/info/format"
        printf '%s\narm64\n' "$(dpkg --print-architecture)" >"$admin/arch"
        while read -r deb; do
            ctrl=$(mktemp -d)
            dpkg-deb -e "$debs_dir/$deb" "$ctrl"
            if [[ -f $ctrl/shlibs || -f $ctrl/symbols ]]; then
                pkg=$(dpkg-deb -f "$debs_dir/$deb" Package)
                { grep -v '^Status:' "$ctrl/control"; echo "Status: install ok installed"; echo; } >>"$admin/status"
                name="$pkg:arm64"
                [[ $(dpkg-deb -f "$debs_dir/$deb" Multi-Arch) == same ]] || name=$pkg
                for f in shlibs symbols; do [[ -f $ctrl/$f ]] && cp "$ctrl/$f" "$admin/info/$name.$f"; done
                # File names as found in the sysroot, which is where dpkg-shlibdeps finds them.
                dpkg-deb --fsys-tarfile "$debs_dir/$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' |
                    awk -v s="$sysroot" 'NF && $0 != "/" { print s $0 }' >"$admin/info/$name.list"
            fi
            rm -rf "$ctrl"
        done <"$sysroot/.packages"
        echo "$stamp" >"$admin/stamp"
    fi
    shlibdeps_args=(--admindir="$admin" "-l$sysroot/usr/lib/aarch64-linux-gnu" "-l$sysroot/usr/lib")
    export DEB_HOST_ARCH=arm64 DEB_HOST_MULTIARCH=aarch64-linux-gnu DEB_HOST_GNU_TYPE=aarch64-linux-gnu
fi
depends=$(cd "$shlib_work" && dpkg-shlibdeps -O "${shlibdeps_args[@]}" "$root/usr/bin/eagle-edge" 2>"$work/shlibdeps.log" |
    sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.log" >&2; die "dpkg-shlibdeps failed"; }
unset DEB_HOST_ARCH DEB_HOST_MULTIARCH DEB_HOST_GNU_TYPE
[[ -n $depends ]] || { cat "$work/shlibdeps.log" >&2; die "dpkg-shlibdeps found no dependencies"; }
# The maintainer scripts make the user and the state directory with systemd's tools; the unit's
# ExecReload runs kill (procps).
depends="$depends, procps, systemd | systemd-standalone-sysusers | systemd-sysusers, systemd | systemd-standalone-tmpfiles"

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: eagle-edge
Version: $version
Architecture: $arch
Maintainer: EagleEdge maintainers <maintainers@users.noreply.h-seed-b5aec2b7.example>
Installed-Size: $installed_size
Depends: $depends
Section: misc
Priority: optional
Homepage: https://github.com/eagle-edge/eagle-edge
Description: visual inspection station for production lines
 EagleEdge takes frames from a camera over a conveyor, scores each part with a
 PatchCore anomaly expert on EfficientNet-Lite0 (int8), decides pass, reject or
 unsure within a frame budget, fires a GPIO reject actuator, journals every part
 in SQLite and publishes results to SCADA over MQTT (JSON or Sparkplug B).
 .
 This package runs it as the hardened systemd service eagle-edge.service, as the
 user eagle-edge, configured by /etc/eagle-edge/eagle-edge.yaml. It carries the
 converted EfficientNet-Lite0 ImageNet weights the expert is built on.
EOF
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's| \./| |') >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

deb="$out/eagle-edge_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
say "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, installed $installed_size KiB"
say "Depends: $depends"

# ------------------------------------------------------------------ lintian
lintian_log="$work/lintian.log"
lintian --tag-display-limit 0 --display-info --show-overrides "$deb" >"$lintian_log" 2>&1 || true
if grep -q '^E:' "$lintian_log"; then
    grep '^E:' "$lintian_log" >&2
    die "lintian reports errors (all of it: $lintian_log)"
fi
say "lintian: no errors, $(grep -c '^W:' "$lintian_log" || true) warnings, $(grep -c '^I:' "$lintian_log" || true) info, $(grep -c '^O:' "$lintian_log" || true) overridden ($lintian_log)"
say "done in $((SECONDS - start)) s"
