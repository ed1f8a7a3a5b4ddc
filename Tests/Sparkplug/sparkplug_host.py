#!/usr/bin/env python3
"""An independent Sparkplug B 3.0 host application for the appliance's tests, built on
pysparkplug (PyPI) and paho-mqtt, not on any of the appliance's code.

It subscribes to one edge node (spBv1.0/GROUP/+/NODE), decodes every message with pysparkplug
(aliases and datatypes resolved from the node's NBIRTH), checks the seq rules itself, and
writes one JSON object per line to OUT:

  {"type": "READY"}                                   subscribed, commands are accepted
  {"type": "NBIRTH", "seq": 0, "bd_seq": 3, "metrics": {NAME: METRIC}}
  {"type": "NDATA", "seq": 7, "metrics": {NAME: METRIC}}
  {"type": "NDEATH", "bd_seq": 3}
  {"type": "PROBLEM", "text": "..."}                   a broken Sparkplug rule or an undecodable message

with METRIC = {"value": ..., "datatype": "UINT64", "historical": false, "null": false}.

Commands, one per line on stdin: `rebirth` (NCMD Node Control/Rebirth = true), `online` and
`offline` (publish this host's retained STATE, with --host-id), `quit`.

Usage: sparkplug_host.py --port PORT --group GROUP --node NODE --out FILE [--host-id ID]
"""
import argparse
import datetime
import json
import sys
import threading

import pysparkplug as sp

BD_SEQ = "bdSeq"
REBIRTH = "Node Control/Rebirth"


class Host(sp.Client):
    """A client that reports an undecodable message instead of ending paho's network thread."""

    def _handle_message(self, mqtt_message):
        try:
            return super()._handle_message(mqtt_message)
        except Exception as error:  # noqa: BLE001 - reported, then the host goes on
            return ("undecodable", mqtt_message.topic, repr(error))


class Recorder:
    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()
        self.next_seq = None  # the seq the next NDATA must carry; None before any NBIRTH
        self.bd_seq = None  # the bdSeq of the last NBIRTH

    def write(self, record):
        with self.lock:
            self.file.write(json.dumps(record, sort_keys=True) + "\n")
            self.file.flush()

    def problem(self, text):
        self.write({"type": "PROBLEM", "text": text})

    @staticmethod
    def metrics(payload):
        out = {}
        for metric in payload.metrics:
            value = metric.value
            if isinstance(value, bytes):
                value = value.hex()
            elif isinstance(value, datetime.datetime):
                value = round(value.timestamp() * 1000)  # DateTime: milliseconds since the epoch
            out[metric.name if metric.name is not None else f"alias {metric.alias}"] = {
                "value": value,
                "datatype": metric.datatype.name,
                "historical": bool(metric.is_historical),
                "null": bool(metric.is_null or metric.value is None),
            }
        return out

    def on_message(self, client, message):
        try:
            self.record(message)
        except Exception as error:  # noqa: BLE001 - reported, then the host goes on
            self.problem(f"the host could not record a message: {error!r}")

    def record(self, message):
        if isinstance(message, tuple):
            self.problem(f"undecodable message on {message[1]}: {message[2]}")
            return
        kind = message.topic.message_type
        payload = message.payload
        if kind == sp.MessageType.NBIRTH:
            metrics = self.metrics(payload)
            if payload.seq != 0:
                self.problem(f"NBIRTH with seq {payload.seq}, not 0")
            if BD_SEQ not in metrics:
                self.problem("NBIRTH without bdSeq")
            if metrics.get(REBIRTH, {}).get("datatype") != "BOOLEAN":
                self.problem("NBIRTH without a Boolean Node Control/Rebirth")
            if message.qos != 0 or message.retain:
                self.problem(f"NBIRTH at QoS {message.qos}, retained {message.retain}")
            self.bd_seq = metrics.get(BD_SEQ, {}).get("value")
            self.next_seq = 1
            self.write({"type": "NBIRTH", "seq": payload.seq, "bd_seq": self.bd_seq, "metrics": metrics})
        elif kind == sp.MessageType.NDATA:
            if self.next_seq is None:
                self.problem(f"NDATA seq {payload.seq} before any NBIRTH")
            elif payload.seq != self.next_seq:
                self.problem(f"NDATA seq {payload.seq}, expected {self.next_seq}")
            self.next_seq = (payload.seq + 1) % 256
            self.write({"type": "NDATA", "seq": payload.seq, "metrics": self.metrics(payload)})
        elif kind == sp.MessageType.NDEATH:
            bd_seq = payload.bd_seq_metric.value
            if self.bd_seq is not None and bd_seq != self.bd_seq:
                self.problem(f"NDEATH bdSeq {bd_seq} does not match the NBIRTH's {self.bd_seq}")
            self.next_seq = None
            self.write({"type": "NDEATH", "bd_seq": bd_seq})
        elif kind == sp.MessageType.NCMD:
            pass  # our own commands
        else:
            self.problem(f"unexpected {kind} on {message.topic}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--node", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--host-id")
    args = parser.parse_args()

    recorder = Recorder(args.out)
    client = Host(client_id=f"sparkplug-test-host-{args.node}")
    state_topic = sp.Topic(message_type=sp.MessageType.STATE, sparkplug_host_id=args.host_id) if args.host_id else None
    if state_topic is not None:
        # A host that vanishes is offline: its will says so, retained (Sparkplug 3.0).
        client.set_will(sp.Message(topic=state_topic, payload=sp.State(timestamp=sp.get_current_timestamp(), online=False),
                                   qos=sp.QoS.AT_LEAST_ONCE, retain=True))
    subscribed = threading.Event()
    client.subscribe(sp.Topic(group_id=args.group, message_type=sp.SINGLE_LEVEL_WILDCARD, edge_node_id=args.node),
                     sp.QoS.AT_MOST_ONCE, recorder.on_message)
    client.connect("127.0.0.1", port=args.port, blocking=False, callback=lambda _c: subscribed.set())
    if not subscribed.wait(10):
        recorder.problem("could not connect to the broker")
        return 1
    recorder.write({"type": "READY"})

    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command == "rebirth":
            metric = sp.Metric(timestamp=sp.get_current_timestamp(), name=REBIRTH, datatype=sp.DataType.BOOLEAN, value=True)
            client.publish(sp.Message(
                topic=sp.Topic(group_id=args.group, message_type=sp.MessageType.NCMD, edge_node_id=args.node),
                payload=sp.NCmd(timestamp=sp.get_current_timestamp(), metrics=(metric,)),
                qos=sp.QoS.AT_MOST_ONCE, retain=False), include_dtypes=True)
        elif command in ("online", "offline") and state_topic is not None:
            client.publish(sp.Message(topic=state_topic,
                                      payload=sp.State(timestamp=sp.get_current_timestamp(), online=command == "online"),
                                      qos=sp.QoS.AT_LEAST_ONCE, retain=True))
        else:
            recorder.problem(f"unknown command {command!r}")
        recorder.write({"type": "DONE", "command": command})
    client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
