#!/usr/bin/env python3
"""Sends JSON records to Batchline's requests queue over STOMP and prints each result with its correlation id.

Python's standard library only, to show that any language with a STOMP (or AMQP) client can use Batchline:

    java -Dbatchline.jms.enabled=true -Dbatchline.jms.embedded=true -jar target/batchline.jar
    python3 examples/queues/stomp_client.py examples/queues/requests.jsonl

Each line of the file is sent as one message with correlation-id "line-<n>"; the script then waits for one answer
per line: a result ("<correlation-id> <custom_id> <status> <answer>"), or, for a line that can never be a record,
the message back from the invalid queue ("<correlation-id> - invalid <reason>"), each acknowledged once printed.
"""
import argparse
import json
import socket
import sys


def escape(value):
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace(":", "\\c").replace("\r", "\\r")


def unescape(value):
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"n": "\n", "c": ":", "r": "\r", "\\": "\\"}.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


class Stomp:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def send(self, command, headers, body=""):
        lines = [command] + ["%s:%s" % (escape(k), escape(v)) for k, v in headers.items()]
        self.sock.sendall(("\n".join(lines) + "\n\n" + body).encode("utf-8") + b"\0")

    def read(self):
        """The next frame: (command, headers, body); heart-beats (bare newlines) are skipped."""
        while True:
            self.buffer = self.buffer.lstrip(b"\r\n")
            end = self.buffer.find(b"\n\n")
            if end >= 0:
                head = self.buffer[:end].decode("utf-8").split("\n")
                headers = {}
                for line in head[1:]:
                    key, _, value = line.rstrip("\r").partition(":")
                    headers.setdefault(unescape(key), unescape(value))
                start = end + 2
                length = int(headers["content-length"]) if "content-length" in headers else None
                stop = start + length if length is not None else self.buffer.find(b"\0", start)
                if stop >= 0 and len(self.buffer) > stop:
                    body = self.buffer[start:stop].decode("utf-8")
                    self.buffer = self.buffer[stop + 1:]
                    return head[0], headers, body
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the broker closed the connection")
            self.buffer += chunk


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", help="a file of JSON records, one per line (- for standard input)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=61616)
    parser.add_argument("--requests", default="batchline.requests")
    parser.add_argument("--results", default="batchline.results")
    parser.add_argument("--invalid", default="batchline.invalid")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the results")
    args = parser.parse_args()

    source = sys.stdin if args.records == "-" else open(args.records, encoding="utf-8")
    records = [line.strip() for line in source if line.strip()]

    stomp = Stomp(args.host, args.port, args.timeout)
    stomp.send("CONNECT", {"accept-version": "1.2", "host": "localhost"})
    command, headers, body = stomp.read()
    if command != "CONNECTED":
        sys.exit("the broker refused the connection: %s %s" % (headers.get("message", ""), body))
    for queue in (args.results, args.invalid):
        stomp.send("SUBSCRIBE", {"id": queue, "destination": queue, "ack": "client-individual",
                                 "subscription-type": "ANYCAST"})
    for number, record in enumerate(records, 1):
        stomp.send("SEND", {"destination": args.requests, "destination-type": "ANYCAST",
                            "correlation-id": "line-%d" % number}, record)
    print("sent %d records to %s; waiting for their results on %s" % (len(records), args.requests, args.results),
          file=sys.stderr)

    expected = {"line-%d" % n for n in range(1, len(records) + 1)}
    while expected:
        command, headers, body = stomp.read()
        if command == "ERROR":
            print("broker: %s %s" % (headers.get("message", ""), body), file=sys.stderr)
            continue
        if command != "MESSAGE":
            continue
        correlation = headers.get("correlation-id", "")
        if headers.get("subscription") == args.invalid:
            print("%s - invalid %s" % (correlation, headers.get("BatchlineInvalidReason", "")), flush=True)
            stomp.send("ACK", {"id": headers["ack"]})
            expected.discard(correlation)
            continue
        result = json.loads(body)
        answer = ""
        response = result.get("response") or {}
        choices = (response.get("body") or {}).get("choices") or []
        if choices:
            answer = choices[0].get("message", {}).get("content", "")
        elif result.get("error"):
            answer = "%s: %s" % (result["error"].get("code"), result["error"].get("message"))
        print("%s %s %s %s" % (correlation, headers.get("BatchlineCustomId", ""), headers.get("BatchlineStatus", ""),
                               answer.replace("\n", " ")), flush=True)
        stomp.send("ACK", {"id": headers["ack"]})
        expected.discard(correlation)
    stomp.send("DISCONNECT", {})


if __name__ == "__main__":
    main()
