#!/usr/bin/env python3
"""The demo's subscriber view: reads `mosquitto_sub -v` lines (topic, space, JSON payload) on
stdin and prints what a SCADA client of the station sees: its status, every rejected, unsure or
not inspected part, the counters and the health. Each line first clears the line the live
status of `eagle-edge demo` is rewriting, so both stay readable on one terminal."""
from json import loads
from sys import stdin

CLEAR = "\r\033[2K"


def show(text):
    print(f"{CLEAR}[subscriber] {text}", flush=True)


def main():
    received = 0
    for line in stdin:
        topic, _, payload = line.rstrip("\n").partition(" ")
        leaf = topic.rsplit("/", 1)[-1]
        try:
            message = loads(payload)
        except ValueError:
            continue
        if leaf == "result":
            received += 1
            verdict = message.get("verdict")
            if verdict == "pass":
                continue
            score = message.get("normalized_score")
            why = f"score {score:.2f}, {len(message.get('boxes', []))} regions" if score is not None else message.get("reason", "")
            show(f"part {message['part_id']} {(verdict or 'not inspected').upper()} ({why}); {received} results received")
        elif leaf == "status":
            reason = f" ({message['reason']})" if "reason" in message else ""
            show(f"station {message['state']}{reason}")
        elif leaf == "counters":
            parts, mqtt = message["parts"], message["mqtt"]
            p99 = mqtt.get("delivery_ms", {}).get("p99", "-")
            show(f"counters: {parts['total']} parts (pass {parts['pass']}, reject {parts['reject']}, unsure {parts['unsure']}), "
                 f"{received} results received, backlog {mqtt['backlog']}, verdict to PUBACK p99 {p99} ms")
        elif leaf == "health":
            problems = [f"{c['name']} {c['state']}" for c in message["components"] if c["state"] != "ok"]
            show(f"health {message['overall']}" + (": " + ", ".join(problems) if problems else ""))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
