#!/usr/bin/env bash
# What the status page costs the line: one run of the synthetic demo line (30 parts/s) in
# alternating phases of --phase seconds (default 60), without viewers and with two headless
# Chromium viewers on the page (live view, counters, last rejects), --rounds times each (default
# 2). The capture-to-verdict latency of every part comes from the run's journal, grouped by
# phase, so both columns come from the same run, the same model and the same machine state.
#
#   Packaging/bench/status-page-bench.sh [--phase S] [--rounds N] [--port P] [--bin PATH] [--out DIR]
#
# A benchmark, not a test: it prints what it measured and judges nothing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
phase=60 rounds=2 port=18081 bin="" out=$root/reports/status-page-bench
while (($#)); do
    case $1 in
        --phase) phase=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        --port) port=$2; shift ;;
        --bin) bin=$2; shift ;;
        --out) out=$2; shift ;;
        *) echo "status-page-bench.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
. "$root/Packaging/bench/status-page-line.sh"
page_line_prepare page
rm -f "$out/demo/journal.sqlite"*
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$line/stat"; } # the line's process: user + system, in clock ticks
page_line_start page --duration 36000
echo "[page] $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; phases of $phase s, $rounds rounds"
sleep 10 # past the start-up transient
phases=$out/phases.txt
: >"$phases"
for round in $(seq 1 "$rounds"); do
    for viewers_wanted in 0 2; do
        for v in $(seq 1 "$viewers_wanted"); do
            chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$profile/viewer-$round-$v" \
                "$url/" >/dev/null 2>&1 &
            viewers+=("$!")
        done
        from=$(date -u +%Y-%m-%dT%H:%M:%S.000Z) ticks=$(cpu_ticks)
        sleep "$phase"
        echo "$viewers_wanted $from $(date -u +%Y-%m-%dT%H:%M:%S.000Z) $(($(cpu_ticks) - ticks))" >>"$phases"
        for pid in "${viewers[@]}"; do kill "$pid" 2>/dev/null || true; done
        viewers=()
        sleep 2
    done
done
requests=$(curl -s "$url/metrics" | awk '$1 == "eagle_edge_web_requests_total" { print $2 }')
encodings=$(curl -s "$url/metrics" | awk '$1 == "eagle_edge_web_live_encodings_total" { print $2 }')
kill -INT "$line"
wait "$line" || true
python3 - "$out/demo/journal.sqlite" "$phases" "$phase" "$(getconf CLK_TCK)" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
seconds, tick = float(sys.argv[3]), float(sys.argv[4])
def pct(values, q):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(round(q * len(values) + 0.5)) - 1))] if values else float("nan")
def row(name, values, cpu):
    print(f"| {name} | {len(values)} | {pct(values, 0.5):.1f} | {pct(values, 0.99):.1f} | {max(values):.1f} | {cpu:.0f} |")
groups, cpus = {}, {}
print("| phase: viewers | parts | p50 ms | p99 ms | max ms | eagle-edge CPU % of a core |")
print("|---|---|---|---|---|---|")
for index, line in enumerate(open(sys.argv[2])):
    viewers, start, end, ticks = line.split()
    values = [r[0] for r in db.execute("SELECT total_ms FROM parts WHERE decided_at >= ? AND decided_at < ? AND total_ms IS NOT NULL",
                                       (start, end))]
    cpu = 100 * int(ticks) / tick / seconds
    row(f"{index + 1}: {viewers}", values, cpu)
    groups.setdefault(int(viewers), []).extend(values)
    cpus.setdefault(int(viewers), []).append(cpu)
for viewers in sorted(groups):
    row(f"all with {viewers}", groups[viewers], sum(cpus[viewers]) / len(cpus[viewers]))
PY
echo "[page] the page answered $requests requests and encoded $encodings live frames"
