#!/usr/bin/env bash
# The MLLM explainer's cost to the line: the synthetic line at 30 parts/s (about 10 % flagged)
# with the explainer off, then on against the stand-in endpoint (Tests/StandIns) answering well,
# failing with 500s, answering after the timeout, resetting connections, answering 429 with
# Retry-After, streaming without end, and answering in 1 s (a third of what the line flags per
# second: the queue at 3x the endpoint's capacity), then off again. Per run: capture-to-verdict
# latency, CPU, RSS and the explainer's counters (outcomes, requests, build and read time per
# part), from the run summary.
#
#   Packaging/bench/explain-benchmark.sh [--duration S] [--out DIR]
#
# A benchmark, not a test: it prints what it measured and judges nothing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
duration=30 out=$root/reports/explain-benchmark
while (($#)); do
    case $1 in
        --duration) duration=$2; shift ;;
        --out) out=$2; shift ;;
        *) echo "explain-benchmark.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
cd "$root"
swift build -c release --product eagle-edge 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/eagle-edge
mkdir -p "$out"
"$bin" demo --dir "$out/demo" --duration 1 >/dev/null  # teaches the demo model (and its references) once

# The stand-in runs until its stdin closes: a coprocess whose input this script holds.
coproc STANDIN { exec python3 "$root/Tests/StandIns/openai_stand_in.py"; }
read -r _ port <&"${STANDIN[0]}"
trap 'kill "$STANDIN_PID" 2>/dev/null || true' EXIT
control() { curl -s -X POST "http://127.0.0.1:$port/_control/$1" -d "${2:-}" >/dev/null; }

run() { # NAME ENABLED SCENARIO
    local dir=$out/$1
    mkdir -p "$dir"
    rm -f "$dir"/journal.sqlite*
    control reset
    [[ -n $3 ]] && control script "{\"default\": $3}"
    cat >"$dir/site.yaml" <<YAML
recipe:
  model: $out/demo/demo.eagle
storage:
  journal: $dir/journal.sqlite
  images_dir: $dir/images
mllm:
  enabled: $2
  endpoint: http://127.0.0.1:$port/v1
  model: stand-in-vl
  timeout_s: 5
YAML
    "$bin" run --config "$dir/site.yaml" --duration "$duration" --json-summary "$dir/summary.json" >"$dir/out.txt" 2>"$dir/log.txt"
    echo "== $1"
    grep -E "^(parts|latency|process|explain) " "$dir/out.txt"
}
run off false ""
run answers true '{"kind": "json"}'
run http500 true '{"kind": "status", "code": 500}'
run timeout true '{"kind": "slow", "seconds": 8}'
run reset true '{"kind": "reset"}'
run http429 true '{"kind": "status", "code": 429, "retry_after": 1}'
run endless true '{"kind": "endless"}'
run capacity-third true '{"kind": "slow", "seconds": 1}'
run off-again false ""
