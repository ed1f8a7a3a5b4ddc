#!/bin/bash
# Runs inside the machine Packaging/deb/systemd-boot.sh boots, as a oneshot service after
# multi-user.target, its output on the serial console; powers the machine off at the end.
say() { echo "systemd-boot: $*"; }
pass() { say "PASS $*"; }
fail() { say "FAIL $*"; }
show() { systemctl show -p "$1" --value eagle-edge.service; }

# Type=notify: start returns once the service sent READY=1, or fails.
t0=$(date +%s%N)
if systemctl start eagle-edge.service; then
    pass "start: active after $((($(date +%s%N) - t0) / 1000000)) ms, READY=1 received (Type=notify); status '$(show StatusText)'"
else
    fail "start: $(show ActiveState)/$(show SubState) result $(show Result)"
    journalctl -u eagle-edge.service --no-pager | tail -20
fi
pid=$(show MainPID)
sleep 3

# Frozen: no more WATCHDOG=1 pings; after WatchdogSec systemd aborts it and restarts it.
restarts=$(show NRestarts)
kill -STOP "$pid"
t0=$(date +%s)
say "kill -STOP $pid; waiting for the watchdog ($(show WatchdogUSec))"
for _ in $(seq 1 180); do
    sleep 1
    [[ $(show NRestarts) -gt $restarts && $(show ActiveState) == active && $(show MainPID) != "$pid" ]] && break
done
if [[ $(show NRestarts) -gt $restarts && $(show ActiveState) == active && $(show MainPID) != "$pid" ]]; then
    pass "watchdog: restarted $(($(date +%s) - t0)) s after the stop, new main PID $(show MainPID), NRestarts $(show NRestarts)"
else
    fail "watchdog: NRestarts $(show NRestarts), $(show ActiveState)/$(show SubState), main PID $(show MainPID)"
fi
journalctl -u eagle-edge.service --no-pager -o cat | grep -iE "watchdog" | head -3 | sed 's/^/systemd-boot:   /'

# journald keeps each line's priority from its <N> prefix: "line started" is a notice (5), the
# rest of a quiet start info (6).
ours=(journalctl -u eagle-edge.service _COMM=eagle-edge --no-pager)
say "journal priorities of the service's own lines (count PRIORITY): $("${ours[@]}" -o verbose | sed -n 's/^ *PRIORITY=//p' | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
if "${ours[@]}" -p 5..5 -o cat | grep -q "line started" && "${ours[@]}" -p 6..6 -o cat | grep -q .; then
    pass "journal: the service's lines carry their priorities (notice and info)"
    "${ours[@]}" -p 5..5 -o short-monotonic | head -2 | sed 's/^/systemd-boot:   priority 5: /'
    "${ours[@]}" -p 6..6 -o short-monotonic | head -1 | sed 's/^/systemd-boot:   priority 6: /'
else
    fail "journal: no notice and info lines from the service"
    "${ours[@]}" -o verbose | tail -20
fi

systemctl stop eagle-edge.service
say "stopped: $(show ActiveState), result $(show Result)"
say "check done"
systemctl poweroff --force --force
