"""python-socketio Client (WebSocket transport, python3-websocket) for the proxy test.

Usage: socketio_client.py URL. Connects to namespace /chat with auth {"token": "secret"}, emits
chat("hello from python", 1) asking for an ack, prints {"ack": [...]} (or {"error": "..."}) as one
JSON line, disconnects and exits.
"""
import json
import sys
import threading

import socketio

url = sys.argv[1]
client = socketio.Client(reconnection=False)
done = threading.Event()
result = {}


def on_ack(*args):
    result['ack'] = list(args)
    done.set()


try:
    client.connect(url, namespaces=['/chat'], auth={'token': 'secret'}, transports=['websocket'], wait_timeout=10)
    client.emit('chat', ('hello from python', 1), namespace='/chat', callback=on_ack)
    if not done.wait(10):
        result['error'] = 'no ack within 10 s'
except Exception as e:  # the test prints what went wrong
    result['error'] = repr(e)
print(json.dumps(result), flush=True)
client.disconnect()
