"""A STOMP client of Debian's python3-stomp, over TCP to RabbitMQ's rabbitmq_stomp, for the STOMP tests.

  stomp_peer.py PORT send DESTINATION BODY      sends one message (with a receipt), then disconnects
  stomp_peer.py PORT receive DESTINATION COUNT  subscribes, prints "ready", then one JSON line per
                                                message ({"headers": {...}, "body": "..."}), and exits
                                                after COUNT messages (or 30 s)
It exits when its stdin closes, so it never outlives the test process.
"""
import json
import sys
import threading

import stomp


class Printer(stomp.ConnectionListener):
    def __init__(self, count):
        self.left = count
        self.done = threading.Event()
        self.subscribed = threading.Event()

    def on_receipt(self, frame):
        if frame.headers.get("receipt-id") == "subscribed":
            self.subscribed.set()

    def on_message(self, frame):
        print(json.dumps({"headers": frame.headers, "body": frame.body}), flush=True)
        self.left -= 1
        if self.left <= 0:
            self.done.set()


def watch_stdin(done):
    sys.stdin.read()
    done.set()


def main():
    port, mode, destination = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    conn = stomp.Connection([("127.0.0.1", port)], heartbeats=(0, 0))
    if mode == "send":
        conn.connect("guest", "guest", wait=True)
        conn.send(destination=destination, body=sys.argv[4], headers={"from": "python3-stomp"})
        conn.disconnect(receipt="bye")
        return
    printer = Printer(int(sys.argv[4]))
    conn.set_listener("printer", printer)
    conn.connect("guest", "guest", wait=True)
    conn.subscribe(destination=destination, id="py-0", ack="auto", headers={"receipt": "subscribed"})
    if not printer.subscribed.wait(20):
        sys.exit("no receipt for SUBSCRIBE")
    print("ready", flush=True)
    threading.Thread(target=watch_stdin, args=(printer.done,), daemon=True).start()
    printer.done.wait(30)
    conn.disconnect()


main()
