#!/usr/bin/env bash
# The main job on embedded defaults: the synthetic demo line. Teaches a model on the synthetic
# line's good parts (once; kept in the demo directory), runs the line at 30 parts/s for a
# minute (Ctrl-C stops it sooner) with a live status, and ends with the summary against the
# synthetic ground truth. Arguments go to `eagle-edge demo` (e.g. --duration 20).
# With Mosquitto installed, the line also publishes to a broker of the demo's own on a free
# loopback port, and an independent subscriber (mosquitto_sub) prints what the plant would see
# (status, rejected and unsure parts, counters, health) between the status updates; both are
# stopped on exit. Without Mosquitto the demo runs without MQTT and says so.
# The offline evaluation on MVTec AD bottle stays a command of its own:
#   eagle-edge eval --precision int8,fp32 ../shared/data/mvtec_ad/bottle
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/Packaging/host-dependencies.sh"
"$root/Packaging/weights/fetch.sh"
swift build -c release --product eagle-edge 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/eagle-edge
"$bin" version | head -1

mosquitto=$(command -v mosquitto || ls /usr/sbin/mosquitto 2>/dev/null || true)
subscribe=$(command -v mosquitto_sub || true)
mqtt_args=()
pids=()
work=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [[ -n $work ]] && rm -rf "$work"
}
trap cleanup EXIT

if [[ -n $mosquitto && -n $subscribe ]]; then
    work=$(mktemp -d)
    port=$(python3 -c 'from socket import socket; s = socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat > "$work/mosquitto.conf" <<CONF
user $(id -un)
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest file $work/broker.log
CONF
    "$mosquitto" -c "$work/mosquitto.conf" >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    # The subscriber's view: what a SCADA client subscribed to the station's topics receives.
    mkfifo "$work/messages"
    python3 -u "$root/Packaging/demo-subscriber.py" < "$work/messages" &
    pids+=($!)
    "$subscribe" -h 127.0.0.1 -p "$port" -v -t 'eagle-edge/#' > "$work/messages" &
    pids+=($!)
    echo "MQTT: a local mosquitto on 127.0.0.1:$port; [subscriber] lines are what a client subscribed to eagle-edge/# receives"
    mqtt_args=(--mqtt-port "$port")
else
    echo "MQTT: mosquitto (and mosquitto_sub) not installed, so the demo runs without publishing;" \
        "apt-get install mosquitto mosquitto-clients to see a subscriber's view"
fi
"$bin" demo "${mqtt_args[@]}" "$@"
