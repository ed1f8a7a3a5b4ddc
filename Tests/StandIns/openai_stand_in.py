#!/usr/bin/env python3
"""A stand-in for a remote OpenAI-compatible multimodal LLM, for the explainer's tests.

It speaks the real wire protocol (HTTP/1.1, `POST /v1/chat/completions`, the chat-completions
JSON with `choices`, `finish_reason` and `usage`; `GET /v1/models`) on 127.0.0.1, on a free port
it prints as `PORT <n>` on its first line of output.

Tests script it over the same HTTP server:
  POST /_control/script   a JSON list of scenarios, consumed one per chat request, in order;
                          {"default": scenario} sets what answers once the list is used up
  GET  /_control/requests every chat request so far: path, headers, body (parsed JSON)
  POST /_control/reset    forget the script and the requests

A scenario is an object with "kind":
  json        200, the content is `answer` (an object) as JSON
  fenced      200, the content is `answer` in a ```json fence after a line of prose
  prose       200, the content is `text`
  truncated   200, the content is the first `keep` characters of `answer`'s JSON, finish_reason "length"
  garbage     200, a body that is not JSON
  content     200, the content is `text` exactly (wrong fields, schema-ignoring answers...)
  status      HTTP `code` with an OpenAI-style error body, and Retry-After `retry_after` if given
  slow        waits `seconds`, then answers like json
  reset       closes the connection without answering
  endless     200, a chunked body that never ends (until the client goes)
Usage: openai_stand_in.py   (runs until killed or stdin closes)
"""
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD = {"anomalous": True, "agrees_with_expert": True, "defect_type": "scratch", "box": 1,
        "location": "upper left of the cap", "severity": "major",
        "description": "A thin scratch runs across the top of the cap. Reject the part.", "confidence": 0.86}

lock = threading.Lock()
script = []
default = {"kind": "json", "answer": GOOD}
requests = []


def completion(content, model, finish="stop"):
    return {"id": "chatcmpl-stand-in", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1234, "completion_tokens": 56, "total_tokens": 1290}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, code, value, headers=()):
        body = json.dumps(value).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, text in headers:
            self.send_header(name, text)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        if self.path == "/_control/requests":
            with lock:
                self.send_json(200, requests)
        elif self.path.endswith("/models"):
            self.send_json(200, {"object": "list", "data": [{"id": "stand-in-vl", "object": "model"}]})
        else:
            self.send_json(404, {"error": {"message": "no such path"}})

    def do_POST(self):
        global script, default, requests
        raw = self.read_body()
        if self.path == "/_control/script":
            value = json.loads(raw)
            with lock:
                if isinstance(value, dict):
                    default = value["default"]
                else:
                    script.extend(value)
            return self.send_json(200, {"ok": True})
        if self.path == "/_control/reset":
            with lock:
                script, requests = [], []
                default = {"kind": "json", "answer": GOOD}
            return self.send_json(200, {"ok": True})
        if not self.path.endswith("/chat/completions"):
            return self.send_json(404, {"error": {"message": "no such path"}})
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with lock:
            requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
            scenario = script.pop(0) if script else default
        model = (body or {}).get("model", "unknown")
        kind = scenario["kind"]
        answer = scenario.get("answer", GOOD)
        if kind == "json":
            self.send_json(200, completion(json.dumps(answer), model))
        elif kind == "fenced":
            self.send_json(200, completion("Here is my assessment:\n```json\n" + json.dumps(answer, indent=2) + "\n```", model))
        elif kind == "prose":
            self.send_json(200, completion(scenario["text"], model))
        elif kind == "content":
            self.send_json(200, completion(scenario["text"], model))
        elif kind == "truncated":
            text = json.dumps(answer)
            self.send_json(200, completion(text[:scenario.get("keep", len(text) * 2 // 3)], model, finish="length"))
        elif kind == "garbage":
            body = b"<html><body>502 upstream confused</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "status":
            headers = [("Retry-After", str(scenario["retry_after"]))] if "retry_after" in scenario else []
            self.send_json(scenario["code"], {"error": {"message": scenario.get("message", "stand-in failure"),
                                                         "type": "server_error"}}, headers)
        elif kind == "slow":
            time.sleep(scenario["seconds"])
            try:
                self.send_json(200, completion(json.dumps(answer), model))
            except OSError:
                pass
        elif kind == "reset":
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self.connection.close()
        elif kind == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b'{"choices": [' + b" " * 4000
            try:
                while True:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                    time.sleep(0.01)
            except OSError:
                pass
            self.close_connection = True
        else:
            self.send_json(500, {"error": {"message": "unknown scenario " + kind}})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Ends with the test that started it: when its stdin closes.
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
