#!/usr/bin/env bash
# Cross-build the EagleEdge Swift package for aarch64 with Debian trixie's
# Swift 6.0.3 (the board's toolchain) and run its tests under qemu-user.
#
#   Packaging/arm64/build.sh [--setup-only] [--build-only] [BUILD OPTIONS]
#                            [-- extra swift test args]
#   Packaging/arm64/build.sh --product NAME [--scratch-path DIR] [BUILD OPTIONS]
#     builds only that product (no tests), e.g. for Packaging/deb/build.sh; --static-swift-stdlib
#     links the Swift runtime in. DIR defaults to .build-arm64-product (beside .build-arm64, so
#     the product's flags never invalidate the test build).
#   BUILD OPTIONS, given to both swift build and swift test:
#     -c|--configuration debug|release, -Xswiftc X, -Xcc X, -Xlinker X
#
# Stages (each cached under $EAGLE_ARM64_CACHE, default /var/cache/eagle-edge/arm64):
#   host     apt-get install debootstrap qemu-user-static binfmt-support; enable
#            the qemu-aarch64 binfmt handler.
#   sysroot  trixie arm64 .debs (sysroot-packages.txt + dependencies) downloaded
#            with a private apt configuration and unpacked with dpkg-deb -x.
#   root     an amd64 trixie chroot (debootstrap) with trixie's swiftlang in it:
#            the host is bookworm, where trixie's swiftlang does not install.
#   sdk      a Swift SDK bundle pointing the chroot's toolchain at the sysroot.
#   build    swift build --build-tests --swift-sdk ... inside the chroot.
#   tests    swift test inside the chroot; the aarch64 test binary runs
#            through binfmt + qemu-aarch64 with QEMU_LD_PREFIX=<sysroot>.
# See README.md next to this file.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd -P)
REPO_PARENT=$(dirname "$REPO")   # holds the repo and its sibling shared/

SUITE=trixie
MIRROR=${EAGLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PACKAGE_LIST="$SCRIPT_DIR/sysroot-packages.txt"
# What the amd64 chroot needs: the toolchain, a host libc/libstdc++ to link
# Package.swift manifests and plugins, git to clone dependencies.
# (swiftlang itself is added, pinned to the sysroot's version.) The broker tests start an
# amd64 mosquitto there and check payloads with python3-jsonschema, as on the host; the TLS
# tests make their certificates with openssl.
ROOT_PACKAGES=(libc6-dev libstdc++-14-dev git mosquitto mosquitto-clients python3-jsonschema openssl)
HOST_PACKAGES=(debootstrap qemu-user-static binfmt-support)
# Bump to force a rebuild of a stage when its recipe below changes.
SYSROOT_RECIPE=2
ROOT_RECIPE=1

TRIPLE=aarch64-unknown-linux-gnu
SDK_ID=eagle-trixie-aarch64
SDKS_DIR=/opt/eagle-arm64/swift-sdks       # path inside the chroot
SCRATCH="$REPO/.build-arm64"                 # gitignored by .build-*/

# ---------------------------------------------------------------- arguments
ARGS=("$@")    # kept for the re-exec in a private mount namespace below
MODE=all
CONFIG=debug
PRODUCT=
SCRATCH_OPTION=
BUILD_ARGS=()   # for swift build and swift test alike
TEST_ARGS=()    # for swift test only
while (($#)); do
    case $1 in
        --setup-only) MODE=setup ;;
        --build-only) MODE=build ;;
        --product) MODE=product; PRODUCT=${2:?$1 needs a value}; shift ;;
        --scratch-path) SCRATCH_OPTION=${2:?$1 needs a value}; shift ;;
        --static-swift-stdlib) BUILD_ARGS+=("$1") ;;
        -c|--configuration) CONFIG=${2:?$1 needs a value}; shift ;;
        -Xswiftc|-Xcc|-Xlinker) BUILD_ARGS+=("$1" "${2:?$1 needs a value}"); shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        --) shift; TEST_ARGS=("$@"); break ;;
        *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ $MODE == product ]]; then
    SCRATCH=${SCRATCH_OPTION:-$REPO/.build-arm64-product}
    [[ $SCRATCH == /* ]] || SCRATCH="$PWD/$SCRATCH"
elif [[ -n $SCRATCH_OPTION ]]; then
    echo "build.sh: --scratch-path goes with --product" >&2; exit 2
fi

log() { printf '[arm64] %s\n' "$*"; }
die() { printf '[arm64] error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot, mount)"
[[ $REPO_PARENT != / ]] || die "the repo's parent directory must not be /"

CACHE=${EAGLE_ARM64_CACHE:-/var/cache/eagle-edge/arm64}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
ROOT="$CACHE/root"            # amd64 trixie chroot
SYSROOT="$CACHE/sysroot"      # arm64 sysroot; bind-mounted at the same path in ROOT
APTDIR="$CACHE/apt"           # private apt state for the arm64 downloads
STAMPS="$CACHE/stamps"
mkdir -p "$STAMPS"

# Mount points under a directory, deepest first (from /proc/self/mountinfo).
mounts_under() {
    awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
unmount_under() {
    local m
    for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
}

if [[ -z ${_EAGLE_ARM64_CHILD:-} ]]; then
    # One run at a time per cache (fd 9 stays open, and locked, across the exec below).
    exec 9>"$CACHE/.lock"
    flock -n 9 || { log "waiting for another build.sh run to release $CACHE"; flock 9; }
    # Mounts left on the host by a run killed outside a private namespace.
    unmount_under "$ROOT"
    # Run the rest in a private mount namespace: every mount made below then
    # disappears with the script's last process, even on SIGKILL, and never
    # stacks up on the host. The EXIT trap below unmounts as well (and is the
    # only cleanup where unshare is not permitted, or EAGLE_ARM64_NO_UNSHARE=1).
    if [[ -z ${EAGLE_ARM64_NO_UNSHARE:-} ]] && unshare --mount --propagation private true 2>/dev/null; then
        _EAGLE_ARM64_CHILD=1 exec unshare --mount --propagation private -- "$BASH" "$SCRIPT_DIR/${0##*/}" "${ARGS[@]}"
    fi
fi

# ------------------------------------------------------------------ helpers
T0=$SECONDS
stage_start() { STAGE_T=$SECONDS; }
stage_done() { log "$1 in $((SECONDS - STAGE_T)) s${2:+ ($2)}"; }

# stamp_ok NAME HASH: true when stage NAME was completed with inputs HASH.
stamp_ok() { [[ -f $STAMPS/$1 && $(cat "$STAMPS/$1") == "$2" ]]; }
stamp_set() { echo "$2" >"$STAMPS/$1"; }
hash_of() { sha256sum | cut -c1-16; }

MOUNTED=()
unmount_all() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTED[i]}" 2>/dev/null || umount -l "${MOUNTED[i]}" 2>/dev/null || true
    done
    MOUNTED=()
    unmount_under "$ROOT"   # anything else below the root, e.g. from an earlier run
}
trap unmount_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bind SRC DST [ro]: bind-mount SRC at DST (a path inside ROOT), once.
bind() {
    mkdir -p "$2"
    mountpoint -q "$2" && return 0
    mount --bind "$1" "$2"
    MOUNTED+=("$2")
    if [[ ${3:-} == ro ]]; then mount -o remount,bind,ro "$2"; fi
}

mount_base() {
    mountpoint -q "$ROOT/proc" || { mount -t proc proc "$ROOT/proc"; MOUNTED+=("$ROOT/proc"); }
    bind /dev "$ROOT/dev"
    bind /dev/pts "$ROOT/dev/pts"
}

# Remove a directory that may have held the chroot; refuse while anything is
# mounted below it (rm -rf would walk into the repo or the git mirrors).
remove_tree() {
    unmount_all
    [[ -z $(mounts_under "$1") ]] || die "still mounted under $1: $(mounts_under "$1" | tr '\n' ' ')"
    rm -rf "$1"
}

in_root() {
    chroot "$ROOT" /usr/bin/env -i \
        PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root LANG=C.UTF-8 \
        TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive "$@"
}

# Package list file -> "name" lines (with deps) and "name nodeps" lines.
list_packages() { sed -e 's/#.*//' "$PACKAGE_LIST" | awk 'NF'; }

apt_sys() { APT_CONFIG="$APTDIR/apt.conf" apt-get -q -o APT::Sandbox::User=root "$@"; }

# ------------------------------------------------------------ stage: host
stage_host() {
    stage_start
    local missing=() p
    for p in "${HOST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        log "installing on the host: ${missing[*]}"
        apt-get -q update
        DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${missing[@]}"
    fi

    # binfmt_misc: register qemu-aarch64 so the kernel runs aarch64 ELFs with it.
    if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    local entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
    if [[ ! -e $entry ]] || ! grep -qx enabled "$entry"; then
        update-binfmts --enable qemu-aarch64
    fi
    grep -qx enabled "$entry" || die "could not enable the qemu-aarch64 binfmt handler"
    stage_done "host tools ready"
}

# The interpreter must be reachable when the test binary runs in the chroot.
# With the F flag (Debian's default) the kernel opened it at registration;
# otherwise put a copy at the same path inside the chroot.
binfmt_interpreter_in_root() {
    local entry=/proc/sys/fs/binfmt_misc/qemu-aarch64 interp
    grep -q '^flags:.*F' "$entry" && return 0
    interp=$(awk '$1 == "interpreter" { print $2 }' "$entry")
    mkdir -p "$ROOT$(dirname "$interp")"
    cp -L "$interp" "$ROOT$interp"
}

# --------------------------------------------------------- stage: sysroot
stage_sysroot() {
    stage_start
    local key
    key=$({ echo "recipe $SYSROOT_RECIPE $SUITE $MIRROR"; list_packages; } | hash_of)
    if stamp_ok sysroot "$key" && [[ -d $SYSROOT ]]; then
        stage_done "sysroot ready" cached; return
    fi
    log "building the arm64 sysroot ($SUITE)"

    # Private apt configuration: arm64 only, own lists, own cache, an empty
    # dpkg status (so the closure includes everything), host apt untouched.
    mkdir -p "$APTDIR"/{lists/partial,cache/archives/partial,state,debs,etc/sources.list.d,etc/preferences.d}
    : >"$APTDIR/status"
    echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APTDIR/etc/sources.list"
    cat >"$APTDIR/apt.conf" <<EOF
Dir::Etc::SourceList "$APTDIR/etc/sources.list";
Dir::Etc::SourceParts "$APTDIR/etc/sources.list.d";
Dir::Etc::Preferences "$APTDIR/etc/preferences";
Dir::Etc::PreferencesParts "$APTDIR/etc/preferences.d";
Dir::State "$APTDIR/state";
Dir::State::Lists "$APTDIR/lists";
Dir::State::status "$APTDIR/status";
Dir::Cache "$APTDIR/cache";
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
APT::Install-Recommends "false";
EOF
    apt_sys update >/dev/null

    # Dependency closure, as apt would install it on an empty arm64 system.
    local with_deps=() nodeps=() name flag sim
    while read -r name flag; do
        if [[ $flag == nodeps ]]; then nodeps+=("$name"); else with_deps+=("$name"); fi
    done < <(list_packages)
    sim=$(apt_sys install -s -y "${with_deps[@]}")
    local pkgs=($(awk '/^Inst /{ print $2 }' <<<"$sim") "${nodeps[@]}")
    log "sysroot: ${#pkgs[@]} packages"

    # apt-get download skips .debs already present and verified, so a rebuild
    # after a list change only fetches what is new.
    # --print-uris lists only files missing from the current directory: ask from an empty one.
    local debs empty
    empty=$(mktemp -d)
    debs=$(cd "$empty" && apt_sys download --print-uris "${pkgs[@]}" | awk '{ print $2 }' | sort)
    rmdir "$empty"
    (cd "$APTDIR/debs" && apt_sys download "${pkgs[@]}" >/dev/null)

    remove_tree "$SYSROOT.new"
    mkdir -p "$SYSROOT.new"
    local deb
    for deb in $debs; do dpkg-deb -x "$APTDIR/debs/$deb" "$SYSROOT.new"; done
    fix_sysroot "$SYSROOT.new" $debs
    # Record what went in (the toolchain version is checked against it).
    dpkg-deb -f "$APTDIR/debs/$(grep '^swiftlang_' <<<"$debs")" Version >"$SYSROOT.new/.swiftlang-version"
    printf '%s\n' $debs >"$SYSROOT.new/.packages"

    # Swap in; the old sysroot is not mounted anywhere (stages run before mounts).
    remove_tree "$SYSROOT"
    mv "$SYSROOT.new" "$SYSROOT"
    # Drop .debs that are no longer part of the set.
    (cd "$APTDIR/debs" && for deb in *.deb; do grep -qxF "$deb" <<<"$debs" || rm -f "$deb"; done)
    stamp_set sysroot "$key"
    stage_done "sysroot ready" "$(du -sh "$SYSROOT" | cut -f1)"
}

# fix_sysroot DIR DEB...: make the unpacked DEBs in DIR usable as a sysroot,
# doing what base-files and the maintainer scripts would have done.
fix_sysroot() {
    local s=$1 l t

    # Merged /usr: /lib/ld-linux-aarch64.so.1 (the ELF interpreter) and friends.
    for l in bin sbin lib; do [[ -e $s/$l ]] || ln -s "usr/$l" "$s/$l"; done

    # Absolute symlinks would point into the host (or nowhere): make them relative.
    while IFS= read -r -d '' l; do
        t=$(readlink "$l")
        ln -sfn "$(realpath -ms --relative-to="$(dirname "$l")" "$s$t")" "$l"
    done < <(find "$s" -type l -lname '/*' -print0)

    # update-alternatives never ran: recreate the links its postinst calls
    # would have made (libblas.so.3, libopenblas.so, cblas.h, ... -> openblas-pthread).
    local deb
    for deb in "${@:2}"; do
        dpkg-deb --ctrl-tarfile "$APTDIR/debs/$deb" | tar -xO ./postinst 2>/dev/null |
            sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' |
            grep -E '^[[:space:]]*update-alternatives[[:space:]]+--install' |
            while read -ra w; do
                # update-alternatives --install LINK NAME PATH PRIO [--slave LINK NAME PATH]...
                alt_link "$s" "${w[2]}" "${w[4]}"
                local i
                for ((i = 6; i + 3 < ${#w[@]} + 1; i += 4)); do
                    [[ ${w[i]} == --slave ]] && alt_link "$s" "${w[i + 1]}" "${w[i + 3]}"
                done
            done || true
    done

    # swift-driver warns on every link when a -sdk has no SDKSettings.json.
    echo '{ "Version": "0.0", "CanonicalName": "debian-trixie-aarch64" }' >"$s/SDKSettings.json"

    # Host-side parts of the arm64 swiftlang package: aarch64 executables and
    # compiler libraries nothing here runs (saves about 1.2 GB).
    rm -rf "$s/usr/libexec/swift/bin"
    find "$s/usr/libexec/swift/lib" -maxdepth 1 -name '*.so*' -delete
}

# alt_link SYSROOT LINK TARGET: LINK -> TARGET, relative, if TARGET exists.
alt_link() {
    local s=$1 link=$1$2 target=$1$3
    [[ -e $target && ! -e $link ]] || return 0
    mkdir -p "$(dirname "$link")"
    ln -s "$(realpath -ms --relative-to="$(dirname "$link")" "$target")" "$link"
}

# ------------------------------------------------------------ stage: root
stage_root() {
    stage_start
    local swift_version key
    swift_version=$(cat "$SYSROOT/.swiftlang-version")
    key=$(echo "recipe $ROOT_RECIPE $SUITE $MIRROR ${ROOT_PACKAGES[*]} swiftlang=$swift_version" | hash_of)
    if stamp_ok root "$key" && [[ -x $ROOT/usr/libexec/swift/bin/swift ]]; then
        stage_done "toolchain root ready" cached; return
    fi
    log "building the amd64 $SUITE root with swiftlang $swift_version"
    remove_tree "$ROOT"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
        { tail -n 30 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
    mount_base
    in_root apt-get -q update >/dev/null
    # swiftlang pinned to the sysroot's version: compiler and target modules must match.
    in_root apt-get -q install -y --no-install-recommends "swiftlang=$swift_version" "${ROOT_PACKAGES[@]}" >"$CACHE/root-apt.log" 2>&1 ||
        { tail -n 30 "$CACHE/root-apt.log" >&2; die "apt-get install in the root failed (log: $CACHE/root-apt.log)"; }
    in_root apt-get clean
    unmount_all
    stamp_set root "$key"
    stage_done "toolchain root ready" "$(in_root_version)"
}

in_root_version() { chroot "$ROOT" dpkg-query -W -f='swiftlang ${Version}' swiftlang; }

# ------------------------------------------------------------- stage: sdk
# Cheap, so written on every run: the Swift SDK bundle (inside the root),
# git's url.*.insteadOf mirrors, and the mounts the build needs.
stage_sdk() {
    stage_start
    local bundle="$ROOT$SDKS_DIR/$SDK_ID.artifactbundle" res="$SYSROOT/usr/libexec/swift/lib"
    mkdir -p "$bundle/$SDK_ID/$TRIPLE"
    cat >"$bundle/info.json" <<EOF
{
  "schemaVersion": "1.0",
  "artifacts": {
    "$SDK_ID": {
      "type": "swiftSDK",
      "version": "$(cat "$SYSROOT/.swiftlang-version")",
      "variants": [ { "path": "$SDK_ID/$TRIPLE" } ]
    }
  }
}
EOF
    cat >"$bundle/$SDK_ID/$TRIPLE/swift-sdk.json" <<EOF
{
  "schemaVersion": "4.0",
  "targetTriples": {
    "$TRIPLE": {
      "sdkRootPath": "$SYSROOT",
      "swiftResourcesPath": "$res/swift",
      "swiftStaticResourcesPath": "$res/swift_static",
      "toolsetPaths": ["toolset.json"]
    }
  }
}
EOF
    # The rpath is where trixie's libswiftlang puts the runtime on the board.
    cat >"$bundle/$SDK_ID/$TRIPLE/toolset.json" <<EOF
{
  "schemaVersion": "1.0",
  "rootPath": "/usr/libexec/swift/bin",
  "linker": { "path": "ld.lld" },
  "swiftCompiler": {
    "extraCLIOptions": ["-use-ld=lld", "-no-toolchain-stdlib-rpath",
                        "-Xlinker", "-rpath=/usr/libexec/swift/lib/swift/linux"]
  }
}
EOF

    # Dependencies resolve through the same local git mirrors as on the host:
    # copy the url.<base>.insteadOf settings and mount each local <base>.
    local key value bases=()
    : >"$ROOT/etc/gitconfig"
    while read -r key value; do
        git config --file "$ROOT/etc/gitconfig" --add "$key" "$value"
        local base=${key#url.}; base=${base%.insteadof}
        [[ $base == /* && -d $base ]] && bases+=("${base%/}")
    done < <(git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null || true
             git config --global --get-regexp '^url\..*\.insteadof$' 2>/dev/null || true)

    mount_base
    bind "$SYSROOT" "$ROOT$SYSROOT" ro
    local b
    for b in $(printf '%s\n' "${bases[@]}" | sort -u); do bind "$b" "$ROOT$b" ro; done
    # The repo and its sibling shared/ (tests read ../shared/data) at the same paths.
    bind "$REPO_PARENT" "$ROOT$REPO_PARENT"
    # A shared/ that is a symlink points outside that folder: make its target visible too.
    local shared
    if [[ -L $REPO_PARENT/shared ]] && shared=$(readlink -f "$REPO_PARENT/shared") && [[ -d $shared ]]; then
        bind "$shared" "$ROOT$shared" ro
    fi
    binfmt_interpreter_in_root
    stage_done "swift sdk $SDK_ID ready"
}

swift_in_root() {
    in_root /bin/sh -c 'cd "$0" && exec "$@"' "$REPO" "$@" \
        --swift-sdks-path "$SDKS_DIR" --swift-sdk "$SDK_ID" --scratch-path "$SCRATCH"
}

# ------------------------------------------------------------------- main
stage_host
stage_sysroot
stage_root
stage_sdk
log "setup done in $((SECONDS - T0)) s: $(in_root_version), sysroot $SYSROOT"
[[ $MODE == setup ]] && exit 0

[[ -f $REPO/Package.swift ]] || die "no Package.swift in $REPO"
if [[ $MODE == product ]]; then
    # The scratch path must be visible in the chroot: the repo's parent is bind-mounted there.
    [[ $SCRATCH == "$REPO_PARENT"/* ]] || die "--scratch-path must be under $REPO_PARENT"
    stage_start
    log "swift build --product $PRODUCT -c $CONFIG${BUILD_ARGS[*]:+ ${BUILD_ARGS[*]}} for $TRIPLE"
    swift_in_root swift build --product "$PRODUCT" -c "$CONFIG" "${BUILD_ARGS[@]}"
    bin="$SCRATCH/$TRIPLE/$CONFIG/$PRODUCT"
    machine=$(od -An -tx1 -j18 -N2 "$bin" | tr -d ' \n')
    [[ $machine == b700 ]] || die "$bin is not an aarch64 ELF (e_machine $machine)"
    stage_done "build" "${bin#"$REPO"/}: ELF aarch64"
    exit 0
fi
stage_start
log "swift build --build-tests -c $CONFIG${BUILD_ARGS[*]:+ ${BUILD_ARGS[*]}} for $TRIPLE"
swift_in_root swift build --build-tests -c "$CONFIG" "${BUILD_ARGS[@]}"
stage_done "build"

# Proof for the log that what runs under qemu is an aarch64 binary
# (ELF e_machine, at offset 18, is 0xb7 = EM_AARCH64).
for bin in "$SCRATCH/$TRIPLE/$CONFIG"/*PackageTests.xctest; do
    [[ -f $bin ]] || { log "warning: no test binary under ${SCRATCH#"$REPO"/}/$TRIPLE/$CONFIG"; continue; }
    machine=$(od -An -tx1 -j18 -N2 "$bin" | tr -d ' \n')
    [[ $machine == b700 ]] || die "$bin is not an aarch64 ELF (e_machine $machine)"
    log "test binary ${bin#"$REPO"/}: ELF aarch64"
done
[[ $MODE == build ]] && exit 0

stage_start
# The loader and libraries of the aarch64 binaries come from the sysroot.
# Smoke test of binfmt + qemu inside the chroot before the real thing.
ldso=$(in_root "$SYSROOT/lib/ld-linux-aarch64.so.1" --version) || die "cannot run aarch64 binaries (binfmt/qemu)"
log "qemu-aarch64 runs the sysroot's ${ldso%%$'\n'*}"
log "swift test (qemu-aarch64) ${TEST_ARGS[*]}"
set +e
in_root /bin/sh -c 'cd "$0" && exec "$@"' "$REPO" env QEMU_LD_PREFIX="$SYSROOT" \
    swift test --skip-build -c "$CONFIG" "${BUILD_ARGS[@]}" --swift-sdks-path "$SDKS_DIR" \
    --swift-sdk "$SDK_ID" --scratch-path "$SCRATCH" "${TEST_ARGS[@]}"
status=$?
set -e
stage_done "tests" "exit status $status"
log "total $((SECONDS - T0)) s"
exit "$status"
