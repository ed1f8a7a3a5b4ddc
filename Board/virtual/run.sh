#!/usr/bin/env bash
# The virtual board: runs a command inside a QEMU guest that has real kernel drivers for a camera
# (vivid) and a GPIO chip (gpio-sim), so CI can test the V4L2 and GPIO code on a machine with
# neither. See Board/virtual/README.md and `run.sh --help`.
#
# How: Debian's own kernel (not installed on the host, only unpacked into the cache), an initramfs
# of busybox + modules, the host's root shared read-only over 9p with a tmpfs overlay on top so
# host-built binaries and the Swift runtime run unchanged, the command chrooted into that, its
# exit status carried back over the serial console with a per-run marker.
set -euo pipefail

# --- parameters ---------------------------------------------------------------------------------
# The guest kernel: Debian bookworm's ABI name. linux-image-$KVER, linux-headers-$KVER, its
# -common headers, linux-kbuild-6.1 and linux-source-6.1 are all taken at the one version apt
# offers for linux-image-$KVER, so the out-of-tree gpio-sim matches the kernel exactly.
# Debian's security archive drops an ABI when the next one arrives, or keeps its image while the
# shared kbuild and source move on: then, unless EAGLE_VIRTUAL_KVER was set explicitly, the
# newest 6.1.0-N-amd64 whose packages all share one version is used (with a warning), and an
# existing complete cache for $KVER keeps working without asking apt at all.
DEFAULT_KVER=6.1.0-57-amd64
KVER=${EAGLE_VIRTUAL_KVER:-$DEFAULT_KVER}
CACHE=${EAGLE_VIRTUAL_CACHE:-/var/cache/eagle-edge/virtual}
# Each cached step writes a stamp holding its recipe version; bump one when its step changes
# what it produces, and that step (and the initramfs) is redone on the next run.
RECIPE_KERNEL=1 RECIPE_VMLINUX=1 RECIPE_GPIO_SIM=2 RECIPE_BUSYBOX=1 RECIPE_INITRAMFS=1
# vivid: one instance with a capture node (input 0 is HDMI) and an output node (output 0 is
# HDMI), no error injection, no cropping/composing/scaling: HDMI out -> HDMI in loops frames back
# byte for byte when both sides use the same DV timings and format.
VIVID_PARAMS="n_devs=1 node_types=0x101 input_types=0x3 output_types=0x1 no_error_inj=1 ccs_cap_mode=0 ccs_out_mode=0"
# Modules for the initramfs; modprobe resolves their dependencies in load order.
GUEST_MODULES=(virtio_pci 9pnet_virtio 9p overlay configfs vivid gpio-sim)
HOST_PACKAGES=(qemu-system-x86 kmod cpio gcc-12 make libc6-dev libelf1 xz-utils zstd binutils
    mawk v4l-utils gpiod util-linux)

EXIT_USAGE=2
EXIT_TIMEOUT=124 # like timeout(1)
EXIT_BOARD=125   # the board failed (setup, boot, crash, no exit marker), not the command

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
self=$here/$(basename "${BASH_SOURCE[0]}")

usage() {
    cat <<EOF
Usage: Board/virtual/run.sh [options] -- COMMAND [ARGS...]
       Board/virtual/run.sh --selftest [options]
       Board/virtual/run.sh --setup-only

Runs COMMAND inside a QEMU guest (Debian's kernel $KVER) with a vivid camera and a gpio-sim
chip, chrooted into the host's root (read-only, writes go to guest RAM), in the same working
directory. Exits with COMMAND's exit status.

Options:
  -s, --share DIR        share DIR read-write at the same path in the guest (repeatable); the
                         only place where the guest's writes reach the host
  -C, --cwd DIR          working directory of COMMAND (default: the current one)
  -e, --env NAME[=VALUE] pass NAME to COMMAND, with VALUE or the host's value (repeatable)
  -t, --timeout SECS     overall limit: boot + command + shutdown (default: 300)
  -m, --memory MB        guest memory (default: 1536); the overlay's writes live in it
      --smp N            guest CPUs (default: 1, faster than 2 under TCG)
      --accel MODE       auto (default: KVM if the host has vmx/svm and a KVM probe boots,
                         else TCG), tcg or kvm
  -v, --verbose          show the guest's boot and kernel messages (on stderr)
      --keep             keep the per-run directory (job, console log) under the cache
      --setup-only       only prepare the cache (packages, kernel, gpio-sim, initramfs)
      --selftest         prove the board works: vivid loopback + gpio-sim round trips
  -h, --help             this help

In the guest, COMMAND sees PATH (with /opt/swift/usr/bin), HOME=/root, LANG=C.UTF-8 and:
  EAGLE_VIRTUAL_BOARD=1
  EAGLE_VIVID_CAPTURE    capture node, e.g. /dev/video0 (HDMI input)
  EAGLE_VIVID_OUTPUT     output node, e.g. /dev/video1 (HDMI output, loops back to the capture)
  EAGLE_GPIO_SIM_LABEL   eagle-virtual (find the chip by this label)
  EAGLE_GPIO_SIM_CHIP    /dev/gpiochipN
  EAGLE_GPIO_SIM_SYSFS   /sys/devices/platform/gpio-sim.0/gpiochipN (sim_gpioK/{pull,value})
  EAGLE_GPIO_LINES       $here/gpio-lines.tsv (line offsets and names)
  EAGLE_VIRTUAL_MODULES  the guest kernel's module tree, for modprobe -d (reloading a driver)
  EAGLE_VIVID_PARAMS     the parameters vivid was loaded with

Files: the host's root is read-only underneath, writes land in guest RAM and vanish at the end,
except in --share directories. /tmp is a fresh tmpfs (unless the working directory is under
the host's /tmp): files under the host's /tmp are seen only through a --share.
COMMAND's stdout and stderr both arrive on this script's stdout, line by line; the board's own
messages and timings go to stderr.

Exit status: COMMAND's, or $EXIT_TIMEOUT when the timeout hit, or $EXIT_BOARD when the board itself
failed (set-up, boot, guest crash, no exit marker), with a message on stderr naming it. A
COMMAND exiting with $EXIT_TIMEOUT or $EXIT_BOARD is told apart by that message.

Environment: EAGLE_VIRTUAL_CACHE (default /var/cache/eagle-edge/virtual),
EAGLE_VIRTUAL_KVER (default $DEFAULT_KVER).
EOF
}

say() { printf 'virtual-board: %s\n' "$*" >&2; }
step() { say "[+$(secs $(($(now_us) - t0))) s] $*"; } # set-up progress, timed from the start
die() {
    say "error: $*"
    exit "$EXIT_BOARD"
}
usage_error() {
    say "$*"
    say "see: $0 --help"
    exit "$EXIT_USAGE"
}
now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
secs() { # microseconds -> "12.3"
    local us=$1
    printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

# --- arguments ----------------------------------------------------------------------------------
shares=() envs=() cwd=$PWD timeout=300 memory=1536 smp=1 accel=auto verbose=0 keep=0
mode=run
[[ $# -gt 0 ]] || usage_error "no command given"
while [[ $# -gt 0 ]]; do
    case $1 in
        -s | --share) [[ $# -ge 2 ]] || usage_error "$1 needs a directory"; shares+=("$2"); shift 2 ;;
        -C | --cwd) [[ $# -ge 2 ]] || usage_error "$1 needs a directory"; cwd=$2; shift 2 ;;
        -e | --env) [[ $# -ge 2 ]] || usage_error "$1 needs NAME[=VALUE]"; envs+=("$2"); shift 2 ;;
        -t | --timeout) [[ $# -ge 2 ]] || usage_error "$1 needs seconds"; timeout=$2; shift 2 ;;
        -m | --memory) [[ $# -ge 2 ]] || usage_error "$1 needs megabytes"; memory=$2; shift 2 ;;
        --smp) [[ $# -ge 2 ]] || usage_error "$1 needs a count"; smp=$2; shift 2 ;;
        --accel) [[ $# -ge 2 ]] || usage_error "$1 needs auto, tcg or kvm"; accel=$2; shift 2 ;;
        -v | --verbose) verbose=1; shift ;;
        --keep) keep=1; shift ;;
        --setup-only) mode=setup; shift ;;
        --selftest) mode=selftest; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; break ;;
        *) usage_error "unknown option: $1 (put the command after --)" ;;
    esac
done
command=("$@")
[[ $timeout =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout must be a positive number of seconds"
[[ $memory =~ ^[1-9][0-9]*$ && $memory -ge 256 ]] || usage_error "--memory must be at least 256 (MB)"
[[ $smp =~ ^[1-9][0-9]*$ ]] || usage_error "--smp must be a positive count"
[[ $accel =~ ^(auto|tcg|kvm)$ ]] || usage_error "--accel must be auto, tcg or kvm"
case $mode in
    run) [[ ${#command[@]} -gt 0 ]] || usage_error "no command given after --" ;;
    *) [[ ${#command[@]} -eq 0 ]] || usage_error "--$mode takes no command" ;;
esac
[[ $CACHE == /* && $CACHE != *[[:space:]]* ]] ||
    usage_error "EAGLE_VIRTUAL_CACHE must be an absolute path without spaces: $CACHE"

# Paths travel to the guest in line-based files: refuse what would break them.
check_path() { # what path
    [[ $2 != *[[:cntrl:]]* ]] || usage_error "$1 contains control characters: $2"
}

fresh() { [[ -f $1 && $(cat "$1") == "$2" ]]; } # stamp file, expected recipe version

# --- set-up: host packages ---------------------------------------------------------------------
apt_updated=0
apt_update_once() {
    [[ $apt_updated == 1 ]] && return 0
    step "apt-get update"
    apt-get update -q >"$CACHE/apt-update.log" 2>&1 ||
        die "apt-get update failed (see $CACHE/apt-update.log)"
    apt_updated=1
}

ensure_host_packages() {
    local missing=() p installed
    # One dpkg-query for all (a warm run should cost next to nothing); unknown names print nothing.
    installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "${HOST_PACKAGES[@]}" 2>/dev/null || true)"
    for p in "${HOST_PACKAGES[@]}"; do
        [[ $installed == *" $p=installed "* ]] || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $EUID -eq 0 ]] || die "host packages missing (${missing[*]}) and not root to install them"
    apt_update_once
    step "installing host packages: ${missing[*]}"
    # Another apt on the machine holds the lock for a while at most: wait for it, do not fail.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o DPkg::Lock::Timeout=600 "${missing[@]}" \
        >"$CACHE/apt-install.log" 2>&1 ||
        die "apt-get install ${missing[*]} failed (see $CACHE/apt-install.log)"
}

# --- set-up: the kernel -------------------------------------------------------------------------
apt_version() { # package -> candidate version, or nothing
    { apt-cache show --no-all-versions "$1" 2>/dev/null || true; } | sed -n 's/^Version: //p' | head -n 1
}

# The packages of one kernel ABI that must come at one version.
kernel_packages() { # kver -> names
    local kver=$1 series
    series=$(cut -d. -f1,2 <<<"$kver") # 6.1
    echo "linux-image-$kver linux-headers-$kver linux-headers-${kver%-amd64}-common linux-kbuild-$series linux-source-$series"
}

# Whether apt offers every package of ABI `kver` at `version`.
kernel_offered() { # kver version
    local p offered pkgs
    read -r -a pkgs <<<"$(kernel_packages "$1")"
    # One apt-cache call (each costs a second or two). It exits 0 even for a version it does not
    # have (it just prints nothing), so look for every package=version in what it printed.
    offered=" $(apt-cache show "${pkgs[@]/%/=$2}" 2>/dev/null |
        mawk '/^Package: /{p=$2} /^Version: /{printf "%s=%s ", p, $2}')"
    for p in "${pkgs[@]}"; do
        [[ $offered == *" $p=$2 "* ]] || return 1
    done
}

# Sets kdir (the cache of this kernel) and KVER; downloads nothing when the cache is complete.
resolve_kernel() {
    kdir=$CACHE/kernel-$KVER
    fresh "$kdir/stamp.unpacked" "$RECIPE_KERNEL" && return 0
    local version
    version=$(apt_version "linux-image-$KVER")
    if [[ -z $version ]]; then
        apt_update_once
        version=$(apt_version "linux-image-$KVER")
    fi
    # The security archive keeps one version of the shared packages (kbuild, source): once the
    # next ABI arrives, an older ABI's image may still be listed while its kbuild is gone.
    if [[ -z $version ]] || ! kernel_offered "$KVER" "$version"; then
        local available candidate
        available=$(apt-cache pkgnames linux-image-6.1.0- | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' |
            sed 's/^linux-image-//' | sort -V || true)
        if [[ -n ${EAGLE_VIRTUAL_KVER:-} || -z $available ]]; then
            available=${available:-none}
            die "linux-image-$KVER with matching headers, kbuild and source is not in the apt sources" \
                "(ABIs listed: ${available//$'\n'/ }); set EAGLE_VIRTUAL_KVER to one of them"
        fi
        for candidate in $(sort -rV <<<"$available"); do
            version=$(apt_version "linux-image-$candidate")
            [[ -n $version ]] && kernel_offered "$candidate" "$version" && break
            version=
        done
        [[ -n $version ]] ||
            die "no kernel ABI in the apt sources has its image, headers, kbuild and source at one" \
                "version (ABIs listed: ${available//$'\n'/ }); check apt-cache policy linux-kbuild-6.1"
        say "warning: linux-image-$KVER and its kbuild and source are no longer at one version in the" \
            "apt sources; using $candidate ($version) (pin one with EAGLE_VIRTUAL_KVER)"
        KVER=$candidate
        kdir=$CACHE/kernel-$KVER
        fresh "$kdir/stamp.unpacked" "$RECIPE_KERNEL" && return 0
    fi
    fetch_kernel "$version"
}

fetch_kernel() { # version
    local version=$1 pkgs abi=${KVER%-amd64} series
    series=$(cut -d. -f1,2 <<<"$KVER") # 6.1
    read -r -a pkgs <<<"$(kernel_packages "$KVER")"
    step "downloading kernel $KVER ($version): ${pkgs[*]}"
    rm -rf "$kdir" && mkdir -p "$kdir/debs"
    # Sandbox user root: _apt cannot write into the cache directory.
    # Stale package lists can name files the mirror no longer has: refresh once and retry.
    (cd "$kdir/debs" && apt-get -q -o APT::Sandbox::User=root download "${pkgs[@]/%/=$version}") \
        >"$kdir/download.log" 2>&1 || {
        apt_update_once
        (cd "$kdir/debs" && apt-get -q -o APT::Sandbox::User=root download "${pkgs[@]/%/=$version}") \
            >"$kdir/download.log" 2>&1
    } || die "apt-get download failed (see $kdir/download.log)"
    mkdir -p "$kdir/root" "$kdir/src"
    # Only four files of the 140 MB source are needed: gpio-sim, its private gpiolib header,
    # the irq simulator (not built in Debian's kernel) and extract-vmlinux. Extracted in the
    # background while the packages unpack: both are mostly xz decompression, one core each.
    step "unpacking the kernel, headers and kbuild (not installed on the host); extracting" \
        "gpio-sim.c, gpiolib.h, irq_sim.c and extract-vmlinux from linux-source-$series"
    local top=linux-source-$series f
    local files=(drivers/gpio/gpio-sim.c drivers/gpio/gpiolib.h kernel/irq/irq_sim.c scripts/extract-vmlinux)
    # --occurrence=1: tar stops once it has them all instead of decompressing the rest (half the
    # time); the writers before it then die of SIGPIPE, so success is judged by the files.
    { dpkg-deb --fsys-tarfile "$kdir"/debs/linux-source-*.deb |
        tar -xO "./usr/src/linux-source-$series.tar.xz" |
        tar -xJ --occurrence=1 -C "$kdir/src" --strip-components=1 "${files[@]/#/$top/}"; } \
        2>"$kdir/source.log" &
    local source_pid=$!
    local deb
    for deb in "$kdir"/debs/linux-{image,headers,kbuild}-*.deb; do
        dpkg-deb -x "$deb" "$kdir/root" || die "dpkg-deb -x $deb failed"
    done
    # The arch headers' Makefile includes the -common one by absolute /usr/src path.
    local mk=$kdir/root/usr/src/linux-headers-$KVER/Makefile
    grep -qx "include /usr/src/linux-headers-$abi-common/Makefile" "$mk" ||
        die "unexpected $mk (no 'include /usr/src/linux-headers-$abi-common/Makefile'): cannot relocate the headers"
    sed -i "s|^include /usr/src/|include $kdir/root/usr/src/|" "$mk"
    wait "$source_pid" || true
    for f in "${files[@]}"; do
        [[ -s $kdir/src/$f ]] || die "$f not found in linux-source-$series (see $kdir/source.log)"
    done
    depmod -b "$kdir/root" "$KVER" || die "depmod for $KVER failed"
    echo "$version" >"$kdir/version"
    rm -rf "$kdir/debs" # everything needed is unpacked; 220 MB less in the cache
    echo "$RECIPE_KERNEL" >"$kdir/stamp.unpacked"
}

# PVH entry: QEMU boots an uncompressed ELF vmlinux directly (7.5 s to a shell vs 12.8 s for the
# bzImage, which decompresses itself under emulation).
ensure_vmlinux() {
    local stamp=$kdir/stamp.vmlinux
    fresh "$stamp" "$RECIPE_VMLINUX" && [[ -f $kdir/vmlinux ]] && return 0
    step "extracting vmlinux from vmlinuz-$KVER"
    sh "$kdir/src/scripts/extract-vmlinux" "$kdir/root/boot/vmlinuz-$KVER" >"$kdir/vmlinux.tmp" ||
        die "extract-vmlinux failed on $kdir/root/boot/vmlinuz-$KVER"
    # XEN_ELFNOTE_PHYS32_ENTRY (18 = 0x12) is the PVH entry point QEMU needs.
    readelf -n "$kdir/vmlinux.tmp" | grep -q 'Unknown note type: (0x00000012)' ||
        die "$kdir/vmlinux has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): QEMU cannot boot it"
    mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
    echo "$RECIPE_VMLINUX" >"$stamp"
}

# gpio-sim is not built in Debian's kernels. Built out of tree from the kernel's own source,
# with the irq simulator linked into the module (CONFIG_IRQ_SIM is off too).
ensure_gpio_sim() {
    local stamp=$kdir/stamp.gpio-sim b=$kdir/gpio-sim
    fresh "$stamp" "$RECIPE_GPIO_SIM" && [[ -f $b/gpio-sim.ko ]] && return 0
    step "building gpio-sim.ko against linux-headers-$KVER"
    rm -rf "$b" && mkdir -p "$b"
    # A module cannot have a source file of its own name when it has several objects.
    cp "$kdir/src/drivers/gpio/gpio-sim.c" "$b/gpio-sim-main.c"
    cp "$kdir/src/drivers/gpio/gpiolib.h" "$kdir/src/kernel/irq/irq_sim.c" "$b/"
    # irq_to_desc() is not exported to modules; generic_handle_irq() does the same thing here
    # (looks the descriptor up and runs its flow handler, handle_simple_irq, set in
    # irq_sim_domain_map). Checked before and after, so a changed source fails loudly.
    local from='handle_simple_irq(irq_to_desc(irqnum));' to='generic_handle_irq(irqnum);'
    [[ $(grep -cF "$from" "$b/irq_sim.c") == 1 ]] ||
        die "irq_sim.c of $KVER does not contain exactly one '$from': the gpio-sim patch needs updating"
    sed -i "s/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/" "$b/irq_sim.c"
    [[ $(grep -cF "$to" "$b/irq_sim.c") == 1 && $(grep -c 'irq_to_desc' "$b/irq_sim.c") == 0 ]] ||
        die "patching irq_sim.c failed"
    printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' >"$b/Kbuild"
    make -C "$kdir/root/usr/src/linux-headers-$KVER" M="$b" modules >"$b/build.log" 2>&1 ||
        die "building gpio-sim failed (see $b/build.log)"
    # Every symbol must resolve against the kernel, or insmod fails in the guest much later.
    if grep -E 'WARNING: modpost: .*undefined' "$b/build.log" >&2; then
        die "gpio-sim.ko has undefined symbols (see $b/build.log)"
    fi
    local vermagic
    vermagic=$(modinfo -F vermagic "$b/gpio-sim.ko")
    [[ $vermagic == "$KVER "* ]] || die "gpio-sim.ko vermagic '$vermagic' does not match $KVER"
    # Into the unpacked module tree as well, so that modprobe resolves it like any other module,
    # here and in the guest (modprobe -d $EAGLE_VIRTUAL_MODULES gpio-sim).
    install -D -m 644 "$b/gpio-sim.ko" "$kdir/root/lib/modules/$KVER/extra/gpio-sim.ko"
    depmod -b "$kdir/root" "$KVER" || die "depmod for $KVER failed"
    echo "$RECIPE_GPIO_SIM" >"$stamp"
}

ensure_busybox() {
    local d=$CACHE/busybox
    fresh "$d/stamp" "$RECIPE_BUSYBOX" && [[ -x $d/busybox ]] && return 0
    step "downloading busybox-static"
    rm -rf "$d" && mkdir -p "$d/deb" "$d/x"
    (cd "$d/deb" && apt-get -q -o APT::Sandbox::User=root download busybox-static) >"$d/download.log" 2>&1 || {
        apt_update_once
        (cd "$d/deb" && apt-get -q -o APT::Sandbox::User=root download busybox-static) >"$d/download.log" 2>&1
    } || die "apt-get download busybox-static failed (see $d/download.log)"
    dpkg-deb -x "$d"/deb/busybox-static_*.deb "$d/x" || die "unpacking busybox-static failed"
    cp "$d/x/bin/busybox" "$d/busybox"
    # The initramfs has no libc: a dynamically linked busybox would not start as PID 1.
    if readelf -l "$d/busybox" | grep -q 'Requesting program interpreter'; then
        die "$d/busybox is not static"
    fi
    rm -rf "$d/deb" "$d/x"
    echo "$RECIPE_BUSYBOX" >"$d/stamp"
}

# The modules for the initramfs in load order, one "<file> [params]" line each: what modprobe
# names for GUEST_MODULES and their dependencies, each once.
module_plan() {
    local deps line seen=" " base params
    deps=$(modprobe -d "$kdir/root" -S "$KVER" --show-depends -a "${GUEST_MODULES[@]}") ||
        die "modprobe --show-depends ${GUEST_MODULES[*]} failed for $KVER"
    while read -r line; do
        [[ -n $line ]] || continue
        # shellcheck disable=SC2086 # split into insmod/builtin and the path on purpose
        set -- $line
        case $1 in
            insmod) ;;
            builtin) continue ;;
            *) die "unexpected modprobe output: $line" ;;
        esac
        [[ $seen == *" $2 "* ]] && continue
        seen+="$2 "
        base=${2##*/}
        base=${base%%.ko*}
        params=""
        [[ $base == vivid ]] && params=$VIVID_PARAMS
        echo "$2 $params"
    done <<<"$deps"
}

ensure_initramfs() {
    local plan key
    plan=$(module_plan) || exit
    # Rebuilt whenever what goes into it changes: this recipe, the guest init, the GPIO lines,
    # the module list and parameters, the gpio-sim build, busybox.
    key=$({
        echo "$RECIPE_INITRAMFS"
        echo "$plan"
        cat "$here/init.sh" "$here/gpio-lines.tsv"
        sha256sum "$kdir/gpio-sim/gpio-sim.ko" "$CACHE/busybox/busybox"
    } | sha256sum | cut -c1-16)
    initrd=$kdir/initramfs.cpio
    [[ -f $kdir/stamp.initramfs && $(cat "$kdir/stamp.initramfs") == "$key" && -f $initrd ]] && return 0
    step "building the initramfs"
    local st
    st=$(mktemp -d "$CACHE/initramfs.XXXXXX")
    mkdir -p "$st"/{bin,dev,proc,sys,mnt,newroot,etc,lib/modules}
    cp "$CACHE/busybox/busybox" "$st/bin/busybox"
    local a
    for a in $("$st/bin/busybox" --list); do
        [[ $a == busybox ]] || ln -s busybox "$st/bin/$a"
    done
    mknod -m 600 "$st/dev/console" c 5 1
    install -m 755 "$here/init.sh" "$st/init"
    cp "$here/gpio-lines.tsv" "$st/etc/gpio-lines.tsv"
    local src params n=0 name
    while read -r src params; do
        n=$((n + 1))
        name=$(printf '%02d-%s.ko' "$n" "$(basename "${src%%.ko*}")")
        # Debian's modules may be compressed (.ko.xz/.zst/.gz); busybox insmod wants them plain.
        case $src in
            *.ko) cp "$src" "$st/lib/modules/$name" ;;
            *.ko.xz) xz -dc "$src" >"$st/lib/modules/$name" ;;
            *.ko.zst) zstd -qdc "$src" >"$st/lib/modules/$name" ;;
            *.ko.gz) gzip -dc "$src" >"$st/lib/modules/$name" ;;
            *) die "unknown module file type: $src" ;;
        esac || die "copying module $src failed"
        echo "$name $params" >>"$st/etc/modules"
    done <<<"$plan"
    (cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$initrd.tmp" ||
        die "cpio of the initramfs failed"
    mv "$initrd.tmp" "$initrd"
    rm -rf "$st"
    echo "$key" >"$kdir/stamp.initramfs"
}

setup() {
    mkdir -p "$CACHE/runs" || die "cannot create the cache directory $CACHE"
    # One set-up at a time; runs themselves may overlap.
    exec 9>"$CACHE/.lock"
    flock 9
    ensure_host_packages
    resolve_kernel
    ensure_vmlinux
    ensure_gpio_sim
    ensure_busybox
    ensure_initramfs
    flock -u 9
    exec 9>&-
}

# --- accelerator ----------------------------------------------------------------------------------
# KVM only where the host offers hardware virtualisation and a KVM guest really boots: a
# paravirtual nested /dev/kvm may exist and still fail (-cpu host: "failed to set MSR 0x10a").
# The probe's verdict is cached per host kernel, CPU model and QEMU version.
kvm_usable() {
    [[ -r /dev/kvm && -w /dev/kvm ]] || return 1
    grep -qwE 'vmx|svm' /proc/cpuinfo || return 1
    local key verdict
    key=$({ uname -r; grep -m1 '^model name' /proc/cpuinfo; qemu-system-x86_64 --version | head -n 1; } |
        sha256sum | cut -c1-16)
    verdict=$CACHE/kvm-probe.$key
    if [[ ! -f $verdict ]]; then
        step "probing KVM (one short boot)"
        if timeout -k 5 60 qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
            -accel kvm -cpu host -smp 1 -m 512 -kernel "$kdir/vmlinux" -initrd "$initrd" \
            -append "console=ttyS0 panic=-1 loglevel=3 eagle.probe=1 eagle.nonce=probe" \
            -serial stdio </dev/null 2>&1 | grep -c '@@EAGLE-VIRTUAL@@ probe PROBE-OK' >/dev/null; then
            echo ok >"$verdict"
        else
            echo no >"$verdict"
        fi
    fi
    [[ $(cat "$verdict") == ok ]]
}

# --- one run --------------------------------------------------------------------------------------
qpid='' fpid='' rundir=''
cleanup() {
    if [[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null; then
        kill -TERM "$qpid" 2>/dev/null || true
        local i
        for i in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$qpid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$qpid" 2>/dev/null || true
        wait "$qpid" 2>/dev/null || true
    fi
    # The console filter ends by itself once QEMU is gone.
    if [[ -n $fpid ]]; then
        kill "$fpid" 2>/dev/null || true
        wait "$fpid" 2>/dev/null || true
    fi
    if [[ -n $rundir && -d $rundir ]]; then
        if [[ $keep == 1 ]]; then
            say "kept $rundir"
        else
            rm -rf "$rundir"
        fi
    fi
}

run_board() {
    local t0=$1 t_setup=$2
    local p
    [[ -d $cwd ]] || usage_error "working directory does not exist: $cwd"
    cwd=$(cd "$cwd" && pwd)
    check_path "working directory" "$cwd"
    local share_lines="" i=0 qshares=()
    for p in "${shares[@]}"; do
        [[ -d $p ]] || usage_error "share is not a directory: $p"
        p=$(cd "$p" && pwd -P)
        check_path "share" "$p"
        [[ $p != / ]] || usage_error "cannot share / read-write"
        share_lines+="share$i $p"$'\n'
        qshares+=(-fsdev "local,id=share$i,path=$p,security_model=none,multidevs=remap"
            -device "virtio-9p-pci,fsdev=share$i,mount_tag=share$i")
        i=$((i + 1))
    done

    local use_kvm=0
    case $accel in
        kvm) use_kvm=1 ;;
        auto) kvm_usable && use_kvm=1 ;;
    esac

    rundir=$(mktemp -d "$CACHE/runs/run.XXXXXX")
    trap cleanup EXIT
    trap 'say "interrupted: stopping QEMU"; exit 130' INT
    trap 'say "terminated: stopping QEMU"; exit 143' TERM
    local nonce
    nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

    # The job: what the guest runs, as bash inside the chroot (the host's own bash).
    {
        echo "# generated by Board/virtual/run.sh"
        printf 'cd -- %q || { echo "virtual-board: cannot enter %q in the guest" >&2; exit %d; }\n' \
            "$cwd" "$cwd" "$EXIT_BOARD"
        printf 'export EAGLE_GPIO_LINES=%q\n' "$here/gpio-lines.tsv"
        # For tests that reload a driver with other parameters: modprobe -d "$EAGLE_VIRTUAL_MODULES".
        printf 'export EAGLE_VIRTUAL_MODULES=%q\n' "$kdir/root"
        printf 'export EAGLE_VIVID_PARAMS=%q\n' "$VIVID_PARAMS"
        local e name value
        for e in "${envs[@]}"; do
            name=${e%%=*}
            [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || usage_error "--env: bad variable name: $name"
            if [[ $e == *=* ]]; then value=${e#*=}; else value=${!name-}; fi
            printf 'export %s=%q\n' "$name" "$value"
        done
        printf 'exec --'
        printf ' %q' "${command[@]}"
        printf '\n'
    } >"$rundir/job.sh"
    local tmpfs_tmp=1
    [[ $cwd == /tmp || $cwd == /tmp/* ]] && tmpfs_tmp=0
    echo "GUEST_TMPFS_TMP=$tmpfs_tmp" >"$rundir/vars"
    printf '%s' "$share_lines" >"$rundir/shares"

    local qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
        -machine pc -smp "$smp" -m "$memory"
        -kernel "$kdir/vmlinux" -initrd "$initrd"
        -serial stdio
        -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
        -device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
        "${qshares[@]}")
    if [[ $use_kvm == 1 ]]; then
        qemu+=(-accel kvm -cpu host)
    else
        # max: every feature TCG emulates (SSE4.2, AVX2, RDRAND...), so host-built code takes
        # the paths it takes on the host, and the entropy pool is ready at once.
        qemu+=(-accel tcg -cpu max)
    fi
    # loglevel=3: kernel chatter would mix into the command's output; panics still show.
    # norandmaps: TCG keys its translated code by virtual address, so with ASLR every process
    # retranslates ld.so and libc; without it an exec of a dynamic binary is several times cheaper.
    # panic=-1 + -no-reboot: a panic ends QEMU at once instead of hanging until the timeout.
    local loglevel=3
    [[ $verbose == 1 ]] && loglevel=7
    qemu+=(-append "console=ttyS0 panic=-1 loglevel=$loglevel rdinit=/init norandmaps eagle.nonce=$nonce eagle.run=$rundir eagle.verbose=$verbose")
    [[ $verbose == 1 ]] && say "accel: $([[ $use_kvm == 1 ]] && echo kvm || echo tcg); ${qemu[*]}"

    # QEMU's serial console -> a fifo -> mawk, which passes COMMAND's output through as it comes
    # (bash's read would take one syscall a byte: 30 KB/s), logs everything and hands the
    # marker lines to this shell over a second fifo, read below with the deadline.
    mkfifo "$rundir/console" "$rundir/events"
    exec 3<>"$rundir/events" # read-write: opening never blocks, whether or not mawk ever writes
    local t_qemu
    t_qemu=$(now_us)
    "${qemu[@]}" </dev/null >"$rundir/console" 2>"$rundir/qemu.err" &
    qpid=$!
    mawk -W interactive -v marker="@@EAGLE-VIRTUAL@@ $nonce " -v logf="$rundir/console.log" \
        -v events="$rundir/events" -v verbose="$verbose" '
        BEGIN { phase = "boot"; mlen = length(marker) }
        {
            sub(/\r$/, "")
            print > logf
            i = index($0, marker)
            if (i == 0) {
                if (phase == "run") print
                else if (verbose == 1) print > "/dev/stderr"
                next
            }
            # A command output line without a final newline ends up before the marker.
            if (phase == "run" && i > 1) print substr($0, 1, i - 1)
            rest = substr($0, i + mlen)
            if (rest ~ /^START/) phase = "run"
            else if (rest ~ /^(EXIT|FAIL)/) phase = "done"
            print rest > events
            fflush(events)
        }
        END { print "END" > events; fflush(events) }' <"$rundir/console" &
    fpid=$!

    local ev phase=boot rc="" failmsg="" timed_out=0 t_start="" t_exit="" stages=""
    local deadline=$((SECONDS + timeout))
    while :; do
        if ((SECONDS >= deadline)); then timed_out=1; break; fi
        if ! IFS= read -r -t 1 -u 3 ev; then
            # No event this second: go on unless the filter is gone (it ends after QEMU).
            kill -0 "$fpid" 2>/dev/null || break
            continue
        fi
        case $ev in
            START) phase=run; t_start=$(now_us) ;;
            EXIT\ *)
                rc=${ev#EXIT }
                t_exit=$(now_us)
                phase="done"
                # The command is done; give the guest a short while to power off.
                ((deadline > SECONDS + 20)) && deadline=$((SECONDS + 20))
                ;;
            FAIL\ *) failmsg=${ev#FAIL }; phase="done" ;;
            STAGE\ *) stages+="${ev#STAGE } " ;;
            END) break ;;
        esac
    done
    local t_end qst=0
    if [[ $timed_out == 1 ]]; then
        kill -TERM "$qpid" 2>/dev/null || true
    fi
    # QEMU has closed the console (or is being stopped): collect it, then the filter.
    local i
    for i in $(seq 1 25); do
        kill -0 "$qpid" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || qst=$?
    qpid=
    wait "$fpid" 2>/dev/null || true
    fpid=
    exec 3<&-
    t_end=$(now_us)

    local boot="-" cmd="-"
    [[ -n $t_start ]] && boot=$(secs $((t_start - t_qemu)))
    [[ -n $t_start && -n $t_exit ]] && cmd=$(secs $((t_exit - t_start)))
    say "timings: setup $(secs $((t_setup - t0))) s, boot-to-command $boot s, command $cmd s," \
        "total $(secs $((t_end - t0))) s ($([[ $use_kvm == 1 ]] && echo kvm || echo tcg))"
    [[ $verbose == 1 && -n $stages ]] && say "guest uptime at stages: $stages"

    if [[ -n $rc ]]; then
        [[ $timed_out == 1 ]] && say "warning: the guest did not power off after the command; stopped it"
        [[ $rc =~ ^[0-9]+$ ]] || die "garbled exit marker: $rc"
        return "$rc"
    fi
    if [[ $timed_out == 1 ]]; then
        say "error: timed out after $timeout s ($([[ $phase == run ]] && echo "while the command ran" || echo "while booting")); QEMU stopped"
        tail_log
        exit "$EXIT_TIMEOUT"
    fi
    if [[ -n $failmsg ]]; then
        say "error: guest set-up failed: $failmsg"
        tail_log
        exit "$EXIT_BOARD"
    fi
    if grep -q 'Kernel panic' "$rundir/console.log"; then
        say "error: the guest kernel panicked$([[ $phase == run ]] && echo " while the command ran")"
    else
        say "error: the guest ended without an exit marker (QEMU exit status $qst, phase $phase)"
    fi
    tail_log
    exit "$EXIT_BOARD"
}

tail_log() {
    # What the guest printed while the command ran is already on stdout.
    if [[ $phase == run ]]; then
        say "the console output above is the guest's last (--keep keeps $rundir)"
        return
    fi
    if [[ -s $rundir/qemu.err ]]; then
        say "QEMU said:"
        sed 's/^/  /' "$rundir/qemu.err" | tail -n 20 >&2
    fi
    say "last console lines (run with --verbose for all, --keep to keep $rundir):"
    tail -n 30 "$rundir/console.log" | sed 's/^/  | /' >&2
}

# --- self-test ------------------------------------------------------------------------------------
selftest() {
    local share rc=0
    mkdir -p "$CACHE/runs"
    share=$(mktemp -d "$CACHE/runs/selftest.XXXXXX")
    local args=(--share "$share" --timeout "$timeout" --memory "$memory" --smp "$smp" --accel "$accel")
    [[ $verbose == 1 ]] && args+=(--verbose)
    # shellcheck disable=SC2064 # expanded now on purpose: $share is local
    trap "rm -rf '$share'" EXIT
    "$self" "${args[@]}" -- /bin/bash "$here/selftest-guest.sh" "$share" &
    local child=$!
    # Pass a stop on to the run, which stops its QEMU (a bare wait would leave it running).
    trap 'kill -TERM "$child" 2>/dev/null' INT TERM
    wait "$child" || rc=$?
    if kill -0 "$child" 2>/dev/null; then wait "$child" || rc=$?; fi
    trap - INT TERM
    # The guest wrote its verdict through the read-write share: that checks the share too.
    if [[ $rc == 0 ]]; then
        if [[ $(cat "$share/verdict" 2>/dev/null) != pass ]]; then
            say "error: self-test: the guest's verdict did not arrive through the share"
            rc=1
        fi
    fi
    rm -rf "$share"
    if [[ $rc == 0 ]]; then say "self-test passed"; else say "self-test FAILED (exit status $rc)"; fi
    return "$rc"
}

t0=$(now_us)
case $mode in
    setup)
        setup
        say "set-up complete in $(secs $(($(now_us) - t0))) s: $kdir"
        ;;
    selftest)
        selftest
        ;;
    run)
        setup
        run_board "$t0" "$(now_us)"
        ;;
esac
