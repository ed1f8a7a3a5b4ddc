#!/usr/bin/env bash
# The unit under a real systemd: boots a Debian 12 root with the amd64 package installed, systemd
# as PID 1, in QEMU on the virtual board's kernel, and checks there that
#   - `systemctl start eagle-edge` returns once the service said READY=1 (Type=notify),
#   - a service frozen with SIGSTOP is killed by the watchdog (WatchdogSec) and restarted,
#   - its log lines reach journald with their priorities.
# Prints "systemd-boot: ..." lines and ends with "systemd-boot: N passed, M failed".
#
# The machine is the virtual board's (Board/virtual/run.sh --setup-only, run first: its kernel and
# initramfs, whose init hands over to the root's systemd on eagle.systemd=1). Needs, from earlier
# runs (it says which is missing): the install test's Debian 12 root (Packaging/deb/test-install.sh)
# and the amd64 package (Packaging/deb/build.sh amd64).
# Runs as root. The root is copied, never changed; the copy goes with the script.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
VIRTUAL=/var/cache/eagle-edge/virtual
BASE=/var/cache/eagle-edge/deb-test/bookworm-amd64
TIMEOUT=${EAGLE_SYSTEMD_BOOT_TIMEOUT:-900}

die() { echo "systemd-boot: $*" >&2; echo "systemd-boot: 0 passed, 1 failed"; exit 1; }
[[ $(id -u) == 0 ]] || die "must run as root (chroot, mount)"
"$repo/Board/virtual/run.sh" --setup-only >/dev/null || die "Board/virtual/run.sh --setup-only failed"
kernel=$(ls -d "$VIRTUAL"/kernel-*/ 2>/dev/null | head -n 1)
[[ -n $kernel && -f $kernel/vmlinux && -f $kernel/initramfs.cpio ]] || die "no virtual board kernel in $VIRTUAL"
[[ -f $BASE/etc/debian_version ]] || die "no Debian 12 root at $BASE: run Packaging/deb/test-install.sh"
deb=$(ls "$repo"/.build-deb/eagle-edge_*_amd64.deb 2>/dev/null | grep -v '+upgrade' | head -n 1 || true)
[[ -n $deb ]] || die "no amd64 package in .build-deb: run Packaging/deb/build.sh amd64"

work=$(mktemp -d /var/tmp/eagle-systemd-boot.XXXXXX)
cleanup() {
    for m in proc sys dev; do umount -l "$work/root/$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# --- the root: the cached Debian 12 root with the package and a taught demo model ------------
r=$work/root
cp -a "$BASE" "$r"
mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" && mount --bind /dev "$r/dev"
cp /etc/resolv.conf "$r/etc/resolv.conf"
cp "$deb" "$r/tmp/"
chroot "$r" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/$(basename "$deb")" \
    >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; die "apt-get install of the package failed"; }
# The default configuration's recipe.model, taught as the demo teaches, by the service user.
chroot "$r" /bin/sh -c 'cd / && setpriv --reuid=eagle-edge --regid=eagle-edge --init-groups \
    eagle-edge demo --dir /var/lib/eagle-edge/models --duration 1 --fps 5 --teach-parts 10' >"$work/teach.log" 2>&1 ||
    { tail -20 "$work/teach.log" >&2; die "teaching the demo model failed"; }
[[ -f $r/var/lib/eagle-edge/models/demo.eagle ]] || die "the demo left no model at /var/lib/eagle-edge/models/demo.eagle"
for m in proc sys dev; do umount -l "$r/$m"; done

# The check, run by systemd once the machine is up; it powers the machine off when done.
install -m 0755 "$here/systemd-boot-check.sh" "$r/usr/local/sbin/eagle-systemd-check"
cat >"$r/etc/systemd/system/eagle-systemd-check.service" <<'EOF'
[Unit]
Description=EagleEdge: the unit under systemd (Packaging/deb/systemd-boot.sh)
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/eagle-systemd-check
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
EOF
mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
ln -sf ../eagle-systemd-check.service "$r/etc/systemd/system/multi-user.target.wants/"
# A getty on the console would only wait for a login.
ln -sf /dev/null "$r/etc/systemd/system/serial-getty@ttyS0.service"

# --- boot ---------------------------------------------------------------------------------
# TCG: a /dev/kvm may exist where KVM does not work (Board/virtual/run.sh probes it); this boot
# is a check, not a benchmark.
accel=(-accel tcg -cpu max)
echo "systemd-boot: booting $(basename "$deb") on $(basename "$kernel") (${accel[1]})"
start=$SECONDS
set +e
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
    -machine pc -smp 1 -m 2048 "${accel[@]}" \
    -kernel "$kernel/vmlinux" -initrd "$kernel/initramfs.cpio" -serial stdio \
    -fsdev "local,id=hostroot,path=$r,security_model=none,readonly=on,multidevs=remap" \
    -device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot" \
    -append "console=ttyS0 panic=-1 loglevel=3 rdinit=/init norandmaps eagle.systemd=1 systemd.show_status=0" \
    </dev/null 2>"$work/qemu.err" | tr -d '\r' | tee "$work/console.log" | grep --line-buffered '^systemd-boot'
set -e
echo "systemd-boot: machine ran $((SECONDS - start)) s"
passed=$(grep -c '^systemd-boot: PASS ' "$work/console.log" || true)
failed=$(grep -c '^systemd-boot: FAIL ' "$work/console.log" || true)
grep -q '^systemd-boot: check done' "$work/console.log" ||
    { tail -30 "$work/console.log" "$work/qemu.err" >&2; failed=$((failed + 1)); echo "systemd-boot: FAIL the check did not finish"; }
echo "systemd-boot: $passed passed, $failed failed"
[[ $failed == 0 ]]
