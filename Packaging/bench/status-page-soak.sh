#!/usr/bin/env bash
# The status page over a long run: the synthetic demo line with its page on a loopback port
# and one headless Chromium viewer kept open on it for --seconds (default 600). Every 30 s it
# prints the line's resident memory and the page's request count; at the end it checks that
# the viewer is still being answered (requests kept coming in the last interval), that the page
# still renders and updates (a fresh headless load), and that the line's memory stayed bounded
# (growth from the first sample past a minute to the end at most --max-growth-mib, default
# 32). Exits 1 when a check fails.
#
#   Packaging/bench/status-page-soak.sh [--seconds S] [--port P] [--teach-parts N] [--bin PATH] [--out DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=600 port=18080 teach=120 bin="" out=$root/reports/status-page-soak max_growth=32
while (($#)); do
    case $1 in
        --seconds) seconds=$2; shift ;;
        --port) port=$2; shift ;;
        --teach-parts) teach=$2; shift ;;
        --bin) bin=$2; shift ;;
        --out) out=$2; shift ;;
        --max-growth-mib) max_growth=$2; shift ;;
        *) echo "status-page-soak.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
. "$root/Packaging/bench/status-page-line.sh"
page_line_prepare soak
metric() { curl -s -m 5 "$url/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# Teaching happens before the line starts: give the run its seconds after the page is up.
page_line_start soak --teach-parts "$teach" --duration $((seconds + 3600))
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$profile/viewer" "$url/" \
    >"$out/viewer.log" 2>&1 &
pids+=("$!")
viewer=$!
echo "[soak] line pid $line, viewer pid $viewer, $seconds s, page $url/"
start=$(date +%s)
first_rss="" first_at=0 requests=0 previous=0
while :; do
    elapsed=$(($(date +%s) - start))
    ((elapsed >= seconds)) && break
    sleep $((seconds - elapsed < 30 ? seconds - elapsed : 30))
    elapsed=$(($(date +%s) - start))
    rss=$(rss_mib "$line")
    previous=$requests
    requests=$(metric eagle_edge_web_requests_total)
    # The reference: the first sample past the first minute (start-up done), or the first at all in a short run.
    if [ -z "$first_rss" ] && ((elapsed >= 60 || seconds < 90)); then first_rss=$rss first_at=$elapsed; fi
    printf '[soak] %5d s  rss %7s MiB  page requests %6s  live encodings %6s  frames %s\n' "$elapsed" "$rss" "$requests" \
        "$(metric eagle_edge_web_live_encodings_total)" "$(metric eagle_edge_frames_total)"
done
end_rss=$(rss_mib "$line")
dom=$(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$profile/check" \
    --virtual-time-budget=5000 --dump-dom "$url/" 2>/dev/null)
updates=$(sed -n 's/.*<span id="updates">\([0-9]*\)<.*/\1/p' <<<"$dom")
frames=$(sed -n 's/.*<span id="frames">\([0-9]*\)<.*/\1/p' <<<"$dom")
failed=0
kill -0 "$viewer" 2>/dev/null || { echo "[soak] FAIL: the viewer exited"; failed=1; }
((requests > previous)) || { echo "[soak] FAIL: no request from the viewer in the last interval"; failed=1; }
((${updates:-0} > 0 && ${frames:-0} > 0)) || { echo "[soak] FAIL: a fresh page did not update (updates ${updates:-none}, frames ${frames:-none})"; failed=1; }
growth=$(awk -v a="$first_rss" -v b="$end_rss" 'BEGIN { printf "%.1f", b - a }')
awk -v g="$growth" -v m="$max_growth" 'BEGIN { exit !(g <= m) }' || { echo "[soak] FAIL: RSS grew $growth MiB (more than $max_growth)"; failed=1; }
echo "[soak] figures: $seconds s, RSS at $first_at s $first_rss MiB, at the end $end_rss MiB (growth $growth MiB)," \
     "page requests $requests, a fresh page: $updates updates and $frames live frames in 5 s"
exit $failed
