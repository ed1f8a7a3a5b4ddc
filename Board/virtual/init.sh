#!/bin/sh
# PID 1 of the virtual board's guest (busybox sh, from the initramfs that run.sh builds).
#
# Loads the modules, mounts the host's root read-only over 9p with a tmpfs overlay on top,
# creates the vivid camera and the gpio-sim chip, then runs the job that run.sh left in its
# per-run directory, chrooted into the overlay, and powers off. Everything the host needs to
# know travels over the serial console as lines "@@EAGLE-VIRTUAL@@ <nonce> <WORD> ...": the
# nonce comes from the kernel command line, so output of the command cannot fake a marker by
# accident. PID 1 must never exit (the kernel would panic): every error path ends in fail().
export PATH=/bin
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# The serial tty turns \n into \r\n by default; keep the command's bytes as they are.
stty -onlcr 2>/dev/null

nonce=unset run='' verbose=0 probe=0 systemd=0
# shellcheck disable=SC2013 # the command line is words
for arg in $(cat /proc/cmdline); do
    case $arg in
        eagle.nonce=*) nonce=${arg#*=} ;;
        eagle.run=*) run=${arg#*=} ;;
        eagle.verbose=1) verbose=1 ;;
        eagle.probe=1) probe=1 ;;
        eagle.systemd=1) systemd=1 ;;
    esac
done

mark() { echo "@@EAGLE-VIRTUAL@@ $nonce $*"; }
stage() { mark STAGE "$1" "$(cut -d' ' -f1 /proc/uptime)"; }
fail() {
    mark FAIL "$*"
    # Leave the evidence on the console before the machine goes away.
    [ "$verbose" = 1 ] && dmesg | tail -n 30
    sync
    poweroff -f
    sleep 10 # poweroff -f does not return; never let PID 1 exit
}
log() { [ "$verbose" = 1 ] && echo "virtual-board(guest): $*"; return 0; }

# KVM probe boots: reaching PID 1 is all that is asked.
if [ "$probe" = 1 ]; then
    mark PROBE-OK
    poweroff -f
    sleep 10
fi
stage kernel-up

# /etc/modules: "<file> [params...]" in dependency order (see run.sh), one a line.
while read -r file params; do
    [ -n "$file" ] || continue
    # shellcheck disable=SC2086 # params are module parameters, split on purpose
    insmod "/lib/modules/$file" $params || fail "insmod $file $params failed"
done </etc/modules
stage modules

# --- the host's root, read-only, with a tmpfs overlay: host binaries run as they are ---------
mkdir -p /mnt/host /mnt/rw /newroot
# cache=loose: the lower layer is read-only for the guest and a run is short, so caching
# metadata and pages in the guest is safe and saves a 9p round trip per lookup.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /mnt/host ||
    fail "mounting the host root over 9p (mount tag hostroot) failed"
mount -t tmpfs -o mode=0755 tmpfs /mnt/rw || fail "tmpfs for the overlay failed"
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /newroot ||
    fail "overlayfs (tmpfs over the 9p host root) failed"
stage rootfs

# eagle.systemd=1 (Packaging/deb/systemd-boot.sh): the 9p root is a whole Debian system, so the
# machine goes to its systemd as PID 1 instead of running a job; systemd mounts /proc, /sys and
# /dev itself.
if [ "$systemd" = 1 ]; then
    exec switch_root /newroot /lib/systemd/systemd
fi

[ -n "$run" ] || fail "no eagle.run= on the kernel command line"
jobdir=/mnt/host$run
[ -f "$jobdir/job.sh" ] || fail "job file $run/job.sh not visible in the guest"
# Written by run.sh: GUEST_TMPFS_TMP=0|1 (the working directory is in job.sh).
. "$jobdir/vars" || fail "reading $run/vars failed"

r=/newroot
mount -t proc proc $r/proc || fail "mount /proc in the chroot"
mount -t sysfs sysfs $r/sys || fail "mount /sys in the chroot"
mount -t devtmpfs devtmpfs $r/dev || fail "mount /dev in the chroot"
# What udev would add: bash's process substitution needs /dev/fd.
ln -s /proc/self/fd $r/dev/fd && ln -s /proc/self/fd/0 $r/dev/stdin &&
    ln -s /proc/self/fd/1 $r/dev/stdout && ln -s /proc/self/fd/2 $r/dev/stderr ||
    fail "creating /dev/fd and /dev/std* in the chroot"
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $r/dev/pts || fail "mount /dev/pts"
mount -t tmpfs -o mode=1777 tmpfs $r/dev/shm || fail "mount /dev/shm"
mount -t configfs configfs $r/sys/kernel/config || fail "mount configfs in the chroot"
# The host's /run describes the host's services, not this machine.
mount -t tmpfs -o mode=0755 tmpfs $r/run || fail "mount /run"
# A fresh /tmp, unless the working directory lives under the host's /tmp: then the overlay's
# /tmp (host files visible, writes into guest RAM) is kept so that directory stays visible.
if [ "$GUEST_TMPFS_TMP" = 1 ]; then
    mount -t tmpfs -o mode=1777 tmpfs $r/tmp || fail "mount /tmp"
fi
# Read-write shares, after /tmp so a share under /tmp is not hidden by it. Lines: "<tag> <path>".
while read -r tag path; do
    [ -n "$tag" ] || continue
    mkdir -p "$r$path" || fail "cannot create mount point $path for share $tag"
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "$tag" "$r$path" ||
        fail "mounting share $tag at $path failed"
done <"$jobdir/shares"
stage mounts

# --- the vivid camera -------------------------------------------------------------------------
# vivid was loaded from /etc/modules with one capture node (HDMI input) and one output node.
cap='' out=''
for d in /sys/class/video4linux/video*; do
    [ -e "$d/name" ] || continue
    case $(cat "$d/name") in
        vivid-*-vid-cap) cap=/dev/${d##*/} ;;
        vivid-*-vid-out) out=/dev/${d##*/} ;;
    esac
done
[ -n "$cap" ] && [ -n "$out" ] || fail "vivid did not create a capture and an output node"

# --- the gpio-sim chip, lines named as in Board/virtual/gpio-lines.tsv -------------------------
cfg=$r/sys/kernel/config/gpio-sim/eagle-virtual
label=eagle-virtual
mkdir "$cfg" "$cfg/gpio-bank0" || fail "gpio-sim configfs: cannot create $cfg"
n=0
while read -r offset name rest; do
    case $offset in '#'* | '') continue ;; esac
    mkdir "$cfg/gpio-bank0/line$offset" && echo "$name" >"$cfg/gpio-bank0/line$offset/name" ||
        fail "gpio-sim configfs: line $offset ($name)"
    n=$((n + 1))
done </etc/gpio-lines.tsv
echo "$n" >"$cfg/gpio-bank0/num_lines" && echo "$label" >"$cfg/gpio-bank0/label" &&
    echo 1 >"$cfg/live" || fail "gpio-sim: the chip did not go live"
simdev=$(cat "$cfg/dev_name") && chip=$(cat "$cfg/gpio-bank0/chip_name") ||
    fail "gpio-sim: cannot read dev_name/chip_name"
[ -c "$r/dev/$chip" ] || fail "gpio-sim: /dev/$chip missing"
stage devices

ip link set lo up || fail "cannot bring up lo"
hostname eagle-virtual

cp "$jobdir/job.sh" $r/run/eagle-virtual-job.sh || fail "copying the job"
cat >$r/run/eagle-virtual.env <<EOF
EAGLE_VIRTUAL_BOARD=1
EAGLE_VIVID_CAPTURE=$cap
EAGLE_VIVID_OUTPUT=$out
EAGLE_GPIO_SIM_LABEL=$label
EAGLE_GPIO_SIM_CHIP=/dev/$chip
EAGLE_GPIO_SIM_SYSFS=/sys/devices/platform/$simdev/$chip
EOF
log "$(tr '\n' ' ' <$r/run/eagle-virtual.env)"

mark START
# A clean environment: the host's PATH with the Swift toolchain, the board's variables; the job
# adds the caller's --env values, changes to the working directory and execs the command.
# shellcheck disable=SC2046 # one NAME=value word a line, no spaces by construction
chroot $r /usr/bin/env -i \
    PATH=/opt/swift/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 TERM=dumb TMPDIR=/tmp \
    $(cat $r/run/eagle-virtual.env) \
    /bin/bash /run/eagle-virtual-job.sh </dev/null
rc=$?
# Close the shares cleanly so the host sees every byte before QEMU goes away.
while read -r tag path; do
    [ -n "$tag" ] && umount "$r$path" 2>/dev/null
done <"$jobdir/shares"
sync
mark EXIT "$rc"
poweroff -f
sleep 10
