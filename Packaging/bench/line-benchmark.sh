#!/usr/bin/env bash
# The line's own figures on the synthetic line (640x480, int8, 2 threads, journal on), printed
# as a table: one long run at 30 parts/s (default 10 minutes: drops by cause, capture-to-
# verdict latency, CPU, RSS at 1 minute and at the end, journal cost per part, escapes and
# false rejects against the synthetic truth), then short runs at rising rates up to the first
# one where frames are dropped or late: the line's capacity on this machine.
#
#   Packaging/bench/line-benchmark.sh [--duration S] [--rates "45 60 90 120"] [--step S] [--out DIR]
#
# A benchmark, not a test: it prints what it measured and judges nothing. Run it on an idle
# machine; figures from different machines or a loaded one do not compare.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
duration=600 rates="45 60 90 120 180" step=30 out=$root/reports/line-benchmark
while (($#)); do
    case $1 in
        --duration) duration=$2; shift ;;
        --rates) rates=$2; shift ;;
        --step) step=$2; shift ;;
        --out) out=$2; shift ;;
        *) echo "line-benchmark.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
cd "$root"
swift build -c release --product eagle-edge 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/eagle-edge
mkdir -p "$out"
demo() { # RATE SECONDS NAME: one run of the demo line, its summary as JSON
    "$bin" demo --dir "$out/demo" --fps "$1" --duration "$2" --json-summary "$out/$3.json" >"$out/$3.txt" 2>"$out/$3.log"
}
echo "[line] $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores;" \
     "flags: $(grep -m1 -o -w -E 'avx512_vnni|avx512f|avx2' /proc/cpuinfo | sort -u | xargs)"
echo "[line] 30 parts/s for $duration s"
demo 30 "$duration" rate-30
for rate in $rates; do
    echo "[line] $rate parts/s for $step s"
    demo "$rate" "$step" "rate-$rate"
    python3 - "$out/rate-$rate.json" <<'PY' || break
import json, sys
s = json.load(open(sys.argv[1]))
lost = sum(s["dropped"].values()) + sum(s["not_inspected"].values())
sys.exit(1 if lost > 0 else 0)
PY
done
python3 - "$out" <<'PY'
import glob, json, os, sys
rows = []
for path in glob.glob(os.path.join(sys.argv[1], "rate-*.json")):
    s = json.load(open(path))
    rate = int(os.path.basename(path)[5:-5])
    rows.append((rate, s))
print("| asked parts/s | seconds | parts/s | dropped (driver, busy, corrupt) | late | p50 / p99 / max ms | CPU % of a core | RSS 1 min / end / peak MiB | journal bytes, ms per part |")
print("|---|---|---|---|---|---|---|---|---|")
for rate, s in sorted(rows, key=lambda r: r[0]):
    d, l, r, j = s["dropped"], s["latency_ms"], s["resources"], s.get("journal") or {}
    f = lambda v: "-" if v is None else f"{v:.1f}"
    print(f"| {rate} | {s['seconds']:.0f} | {s['parts_per_second']:.1f} | {d['driver']}, {d['busy']}, {d['corrupt']} "
          f"| {s['not_inspected'].get('over_budget', 0)} | {f(l['p50'])} / {f(l['p99'])} / {f(l['max'])} "
          f"| {r['cpu_percent']:.0f} | {f(r.get('resident_at_one_minute_mib'))} / {f(r.get('resident_mib'))} / {f(r.get('peak_resident_mib'))} "
          f"| {j.get('bytes_per_part', 0):.0f}, {j.get('commit_ms_per_part', 0):.3f} |")
PY
echo "[line] the 30 parts/s run against the synthetic truth:"
grep -E '^(truth|escapes|false rej|unseen)' "$out/rate-30.txt"
