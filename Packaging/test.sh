#!/usr/bin/env bash
# The whole test suite: x86-64 natively with the host's Swift, the capture and line tests inside
# the virtual board (QEMU guest with vivid), then aarch64 cross-built with Debian 13's Swift 6.0.3
# and run under qemu-user, then the Debian packages installed in clean Debian roots. Installs
# what it needs. Exits non-zero if any fails; the last line totals all four. The guest-only tests
# are skipped outside the guest, not counted twice; the opt-in kernel benchmarks and int8
# fidelity diagnostics (they print, never assert) are skipped.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

"$root/Packaging/host-dependencies.sh"
"$root/Packaging/weights/fetch.sh"

# Package.swift declares exactly what each Swift target imports (seconds; before the long build).
if ! python3 "$root/Packaging/checks/manifest.py" "$root"; then
    echo "total: 0 passed, 1 failed"
    exit 1
fi
# The committed Sparkplug B code is what protoc-c makes of its .proto today.
if ! "$root/Packaging/checks/sparkplug.sh" "$root"; then
    echo "total: 0 passed, 1 failed"
    exit 1
fi

# XCTest's last "Executed N tests, with M failures" line is the whole run's total; a run with
# skipped tests reads "Executed N tests, with S tests skipped and F failures".
summary() { grep -E "Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" "$1" | tail -1 || true; }
counts() { # prints "N F" from an XCTest summary line (N without the skipped tests), or nothing
    sed -nE -e 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 0 \2/p' \
        -e 's/.*Executed ([0-9]+) tests?, with ([0-9]+) tests? skipped and ([0-9]+) failures?.*/\1 \2 \3/p' <<<"$1" |
        awk '{ print $1 - $2, $3 }'
}

# Tests run on optimised code (-c release, with -enable-testing for @testable imports): that is
# what ships, and the expert's kernels are too slow unoptimised, above all under qemu.
config=(-c release -Xswiftc -enable-testing)
echo "[x86-64] $(swift --version 2>&1 | head -1)"
start=$SECONDS
if ! swift build "${config[@]}" --build-tests >"$logs/x86-build.log" 2>&1; then
    grep -E "error:" "$logs/x86-build.log" | sort -u | head -40 || tail -40 "$logs/x86-build.log"
    echo "[x86-64] build failed"
    echo "total: 0 passed, 1 failed"
    exit 1
fi
echo "[x86-64] build $((SECONDS - start)) s"
start=$SECONDS
set +e
swift test "${config[@]}" --skip-build --disable-swift-testing --skip VirtualBoardCaptureTests --skip VirtualBoardLineTests --skip VirtualBoardRejectTests --skip VirtualBoardGPIOv2Tests --skip Int8KernelBenchmark --skip Int8FidelityDiagnostics --skip SyntheticLineBenchmarks 2>&1 | tee "$logs/x86.log" | grep -E "error:|' failed|with [1-9][0-9]* failures?"
x86_status=${PIPESTATUS[0]}
set -e
echo "[x86-64] tests $((SECONDS - start)) s, exit status $x86_status"
x86_summary=$(summary "$logs/x86.log")

# libgpiod v2 (the board's API) against the guest's gpio-sim: the C shim built against trixie's
# libgpiod 2 (Packaging/gpiod-v2/build.sh), run by VirtualBoardGPIOv2Tests in the guest. A failed
# build leaves the harness missing, and that test fails saying so.
"$root/Packaging/gpiod-v2/build.sh" 2>&1 | tee "$logs/gpiod-v2.log" || true

# The tests that need real kernel drivers (vivid) run inside the virtual board: a QEMU guest
# sharing this machine's root read-only (Board/virtual/README.md). They use the x86-64 test
# binary built above, in one boot: the XCTest runner takes a comma-separated list of classes.
start=$SECONDS
set +e
"$root/Board/virtual/run.sh" --timeout 1200 -- "$root/.build/release/EagleEdgePackageTests.xctest" \
    CaptureTests.VirtualBoardCaptureTests,CommandLineTests.VirtualBoardLineTests,CommandLineTests.VirtualBoardRejectTests,CommandLineTests.VirtualBoardGPIOv2Tests 2>&1 | tee "$logs/guest.log" | grep -E "error:|' failed|with [1-9][0-9]* failures?|virtual-board|Executed"
guest_status=${PIPESTATUS[0]}
set -e
echo "[virtual board] $((SECONDS - start)) s, exit status $guest_status"
guest_summary=$(summary "$logs/guest.log")

set +e
"$root/Packaging/arm64/build.sh" "${config[@]}" -- --skip VirtualBoardCaptureTests --skip VirtualBoardLineTests --skip VirtualBoardRejectTests --skip VirtualBoardGPIOv2Tests --skip Int8KernelBenchmark --skip Int8FidelityDiagnostics --skip SyntheticLineBenchmarks 2>&1 | tee "$logs/arm64.log"
arm_status=${PIPESTATUS[0]}
set -e
arm_summary=$(summary "$logs/arm64.log")

# The Debian packages, built for both architectures (lintian: no errors) and installed, run,
# upgraded and purged in clean Debian 12 amd64 and Debian 13 arm64 roots, with the unit's
# systemd-analyze checks in each (Packaging/deb/test-install.sh; roots cached).
start=$SECONDS
set +e
"$root/Packaging/deb/test-install.sh" 2>&1 | tee "$logs/deb.log" | grep -E "^(PASS|FAIL) |^deb install:|\[deb-test\]"
deb_status=${PIPESTATUS[0]}
set -e
echo "[deb] $((SECONDS - start)) s, exit status $deb_status"
deb_summary=$(grep -E "^deb install: [0-9]+ passed, [0-9]+ failed" "$logs/deb.log" | tail -1 || true)

echo
echo "x86-64  (Swift host):          ${x86_summary:-no test summary} (exit $x86_status)"
echo "virtual board (vivid, QEMU):   ${guest_summary:-no test summary} (exit $guest_status)"
echo "aarch64 (Swift 6.0.3, qemu):   ${arm_summary:-no test summary} (exit $arm_status)"
echo "Debian packages (install):     ${deb_summary:-no test summary} (exit $deb_status)"
read -r xn xf <<<"$(counts "$x86_summary")"
read -r gn gf <<<"$(counts "$guest_summary")"
read -r an af <<<"$(counts "$arm_summary")"
read -r dp df <<<"$(sed -nE 's/^deb install: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' <<<"$deb_summary")"
xn=${xn:-0}; xf=${xf:-0}; gn=${gn:-0}; gf=${gf:-0}; an=${an:-0}; af=${af:-0}; dp=${dp:-0}; df=${df:-0}
# A run that printed no summary counts as a failure of its own.
[ -n "$x86_summary" ] || xf=$((xf + 1))
[ -n "$guest_summary" ] || gf=$((gf + 1))
[ -n "$arm_summary" ] || af=$((af + 1))
[ -n "$deb_summary" ] || df=$((df + 1))
# The install checks are counted as they are reported: each one passed or failed.
passed=$((xn - xf + gn - gf + an - af + dp)); failed=$((xf + gf + af + df))
[ "$passed" -ge 0 ] || passed=0
echo "total: $passed passed, $failed failed"
[ "$x86_status" -eq 0 ] && [ "$guest_status" -eq 0 ] && [ "$arm_status" -eq 0 ] && [ "$deb_status" -eq 0 ] && [ "$failed" -eq 0 ]
