#!/usr/bin/env bash
# The guest half of `run.sh --selftest`: proves the virtual board's camera and GPIO chip work,
# with the host's v4l2-ctl and libgpiod 1.6 tools only. Runs inside the guest; $1 is a
# read-write share where the verdict goes (the host half checks it arrived).
set -uo pipefail
share=${1:?usage: selftest-guest.sh SHARE_DIR}
work=$(mktemp -d)
passed=0 failed=0
t_check=${EPOCHREALTIME//[!0-9]/}
took= # time since the previous verdict, for the log: "(1.2 s)"
lap() {
    local now=${EPOCHREALTIME//[!0-9]/} d
    d=$(((now - t_check) / 100000))
    t_check=$now
    took="($((d / 10)).$((d % 10)) s)"
}
ok() { lap; echo "ok: $* $took"; passed=$((passed + 1)); }
bad() { lap; echo "FAIL: $* $took"; failed=$((failed + 1)); }

for v in EAGLE_VIRTUAL_BOARD EAGLE_VIVID_CAPTURE EAGLE_VIVID_OUTPUT EAGLE_GPIO_SIM_LABEL \
    EAGLE_GPIO_SIM_CHIP EAGLE_GPIO_SIM_SYSFS EAGLE_GPIO_LINES; do
    if [[ -z ${!v:-} ]]; then
        bad "environment variable $v is not set"
        echo "selftest: $passed passed, $failed failed"
        exit 1
    fi
done
echo "board: capture $EAGLE_VIVID_CAPTURE, output $EAGLE_VIVID_OUTPUT," \
    "gpio $EAGLE_GPIO_SIM_CHIP ($EAGLE_GPIO_SIM_LABEL) at $EAGLE_GPIO_SIM_SYSFS"

# --- vivid: HDMI output -> HDMI capture loopback, byte for byte ----------------------------------
cap=$EAGLE_VIVID_CAPTURE out=$EAGLE_VIVID_OUTPUT
w=640 h=480 frame=$((640 * 480 * 2)) # YUYV: 2 bytes a pixel
vivid_loopback() {
    # Both ends must use the same DV timings (index 0: 640x480p59.94) and the same format.
    v4l2-ctl -d "$out" --set-dv-bt-timings index=0 &&
        v4l2-ctl -d "$cap" --set-dv-bt-timings index=0 &&
        v4l2-ctl -d "$out" --set-fmt-video-out "width=$w,height=$h,pixelformat=YUYV" &&
        v4l2-ctl -d "$cap" --set-fmt-video "width=$w,height=$h,pixelformat=YUYV" &&
        # loop_video: capture what the output shows; osd_text_mode=2: no text drawn over it.
        v4l2-ctl -d "$cap" --set-ctrl loop_video=1,osd_text_mode=2 || {
        bad "vivid: configuring timings, formats or controls failed"
        return
    }
    local fmt
    fmt=$(v4l2-ctl -d "$cap" --get-fmt-video)
    if ! grep -q "Width/Height *: *$w/$h" <<<"$fmt" || ! grep -q "'YUYV'" <<<"$fmt"; then
        bad "vivid: capture format is not ${w}x$h YUYV: $fmt"
        return
    fi
    # Four distinct frames of noise: any byte changed on the way would show.
    head -c $((4 * frame)) /dev/urandom >"$work/sent.yuv"
    v4l2-ctl -d "$out" --stream-out-mmap=4 --stream-from="$work/sent.yuv" --stream-loop \
        --stream-count=100000 >/dev/null 2>"$work/out.err" &
    local writer=$!
    # Until the output streams, the capture shows vivid's test pattern: take more frames than
    # needed and skip those.
    timeout 60 v4l2-ctl -d "$cap" --stream-mmap=4 --stream-count=24 --stream-to="$work/got.yuv" \
        >/dev/null 2>"$work/cap.err"
    local cst=$?
    kill "$writer" 2>/dev/null
    wait "$writer" 2>/dev/null
    if [[ $cst != 0 ]]; then
        bad "vivid: capture failed (status $cst): $(tail -n 3 "$work/cap.err")"
        return
    fi
    mkdir "$work/sent" "$work/got"
    split -b "$frame" -d -a 3 "$work/sent.yuv" "$work/sent/"
    split -b "$frame" -d -a 3 "$work/got.yuv" "$work/got/"
    # One sha256sum a side: under emulation every process start costs tens of milliseconds.
    local -A sent=()
    local n=0 matched=0 lost=0 sum
    while read -r sum _; do sent[$sum]=1; done < <(sha256sum "$work"/sent/*)
    while read -r sum _; do
        n=$((n + 1))
        if [[ -n ${sent[$sum]:-} ]]; then
            matched=$((matched + 1))
        elif [[ $matched -gt 0 ]]; then
            lost=$((lost + 1)) # a frame that differs after the loop was established
        fi
    done < <(sha256sum "$work"/got/*)
    if [[ $matched -ge 8 && $lost == 0 ]]; then
        ok "vivid: $matched of $n captured YUYV frames byte-identical to frames written to $out" \
            "($((n - matched)) test-pattern frames before the output started)"
    else
        bad "vivid: $matched of $n captured frames matched what was written, $lost differed after the first match"
    fi
}
vivid_loopback

# --- gpio-sim ------------------------------------------------------------------------------------
chip=$EAGLE_GPIO_SIM_LABEL sysfs=$EAGLE_GPIO_SIM_SYSFS
offset_of() { awk -F'\t' -v n="$1" '!/^#/ && $2 == n { print $1 }' "$EAGLE_GPIO_LINES"; }
wait_for() { # seconds command...: polls until the command succeeds
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}

gpio_names() {
    local offset name errors=0 found
    while IFS=$'\t' read -r offset name _; do
        [[ $offset == '#'* || -z $offset ]] && continue
        found=$(gpiofind "$name") || found=""
        [[ $found == "${EAGLE_GPIO_SIM_CHIP#/dev/} $offset" ]] || {
            bad "gpio: gpiofind $name gave '$found', expected '${EAGLE_GPIO_SIM_CHIP#/dev/} $offset'"
            errors=$((errors + 1))
        }
    done <"$EAGLE_GPIO_LINES"
    gpiodetect | grep -q "\[$chip\] (8 lines)" || {
        bad "gpio: gpiodetect does not list [$chip] with 8 lines: $(gpiodetect)"
        errors=$((errors + 1))
    }
    [[ $errors == 0 ]] && ok "gpio: chip [$chip] found by label, every line of gpio-lines.tsv found by name"
}
gpio_names

gpio_input() { # drive PHOTO_EYE from the "outside" (the simulator's pull), read it as the app would
    local o v got errors=0
    o=$(offset_of PHOTO_EYE)
    for v in 1 0 1 0; do
        if [[ $v == 1 ]]; then echo pull-up >"$sysfs/sim_gpio$o/pull"; else echo pull-down >"$sysfs/sim_gpio$o/pull"; fi
        got=$(gpioget "$chip" "$o")
        [[ $got == "$v" ]] || { bad "gpio: PHOTO_EYE pulled to $v, gpioget read '$got'"; errors=$((errors + 1)); }
    done
    [[ $errors == 0 ]] && ok "gpio: input PHOTO_EYE (line $o) follows the simulated pull (gpioget)"
}
gpio_input

gpio_output() { # set REJECT as the app would, read what the "valve" sees
    local o v errors=0 setter
    o=$(offset_of REJECT)
    for v in 1 0 1; do
        gpioset --mode=signal "$chip" "$o=$v" &
        setter=$!
        wait_for 5 grep -qx "$v" "$sysfs/sim_gpio$o/value" ||
            { bad "gpio: gpioset REJECT=$v, sysfs value reads $(cat "$sysfs/sim_gpio$o/value")"; errors=$((errors + 1)); }
        kill "$setter"
        wait "$setter" 2>/dev/null
    done
    [[ $errors == 0 ]] && ok "gpio: output REJECT (line $o) set with gpioset reads back in sysfs"
}
gpio_output

gpio_edges() { # edge events through the irq simulator (the patched irq_sim.c)
    local o n=3 events monitor
    o=$(offset_of ENCODER_A)
    echo pull-down >"$sysfs/sim_gpio$o/pull"
    timeout 20 gpiomon --num-events=$((2 * n)) --format=%e "$chip" "$o" >"$work/events" &
    monitor=$!
    wait_for 5 bash -c "gpioinfo '$chip' | grep -q '\"ENCODER_A\" *\"gpiomon\"'" ||
        { bad "gpio: gpiomon did not request ENCODER_A: $(gpioinfo "$chip" | grep ENCODER_A)"; kill $monitor; return; }
    # gpio-sim merges edges that come faster than its irq work runs: pace the pulses.
    for _ in $(seq $n); do
        echo pull-up >"$sysfs/sim_gpio$o/pull"
        sleep 0.1
        echo pull-down >"$sysfs/sim_gpio$o/pull"
        sleep 0.1
    done
    wait "$monitor"
    events=$(tr -d '\n' <"$work/events")
    if [[ $events == "101010" ]]; then
        ok "gpio: $n paced pulses on ENCODER_A (line $o) gave $((2 * n)) edge events, rising/falling in order"
    else
        bad "gpio: expected edge events 101010 (1 rising, 0 falling), got '$events'"
    fi
}
gpio_edges

# --- loopback networking only --------------------------------------------------------------------
net() {
    local routes
    routes=$(ip -o route show 2>/dev/null; ip -o -6 route show 2>/dev/null | grep -v '^\(::1\|fe80\|local\|multicast\)')
    if ip -o link show lo | grep -q 'UP' && [[ -z $routes ]]; then
        ok "network: lo up, no route out of the machine"
    else
        bad "network: lo $(ip -o link show lo | grep -o 'state [A-Z]*'), routes: $routes"
    fi
}
net

rm -rf "$work"
echo "selftest: $passed passed, $failed failed"
if [[ $failed == 0 ]]; then
    echo pass >"$share/verdict"
    exit 0
fi
echo fail >"$share/verdict"
exit 1
