# Sourced by the status-page benchmarks: the demo line with its page on a loopback port, and
# the clean-up of everything a benchmark started. Expects root, bin, out and port to be set.

# page_line_prepare TAG: check for Chromium, build the binary unless --bin named one, make the
# output folder and a browser profile folder, and kill what was started (pids, viewers) on exit.
page_line_prepare() {
    command -v chromium >/dev/null || { echo "[$1] chromium is not installed (Packaging/host-dependencies.sh)" >&2; exit 2; }
    if [ -z "$bin" ]; then
        (cd "$root" && swift build -c release --product eagle-edge 2>&1 | tail -1)
        bin=$(cd "$root" && swift build -c release --show-bin-path)/eagle-edge
    fi
    mkdir -p "$out"
    profile=$(mktemp -d)
    pids=() viewers=()
    trap page_line_cleanup EXIT
    url=http://127.0.0.1:$port
}

page_line_cleanup() { # kill what the benchmark started, wait for it, then remove the browser profiles
    for pid in "${pids[@]}" "${viewers[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$profile" 2>/dev/null || true
}

# page_line_start TAG DEMO-OPTIONS...: start the demo line at 30 fps with its page on $port and
# wait until the page answers; the line's pid is $line.
page_line_start() {
    local tag=$1
    shift
    "$bin" demo --dir "$out/demo" --fps 30 --web-port "$port" "$@" >"$out/demo.txt" 2>"$out/demo.log" &
    line=$!
    pids+=("$line")
    for _ in $(seq 1 600); do
        curl -s -m 2 -o /dev/null "$url/healthz" && return 0
        kill -0 "$line" 2>/dev/null || { echo "[$tag] the demo ended early:"; tail -5 "$out/demo.log"; exit 1; }
        sleep 1
    done
    echo "[$tag] the page did not answer within 600 s"
    exit 1
}
