# An MQTT client for the peer tests, on Debian's python3-paho-mqtt (1.6): reads one JSON command per
# line on stdin, writes one JSON event per line on stdout. Exits when stdin closes.
#
# argv: host port transport(tcp|websockets) version(3.1.1|5) username password client_id
# commands: {"op": "subscribe", "topic": "a/#", "qos": 1}
#           {"op": "publish", "topic": "a/b", "payload": "hi", "qos": 2, "retain": false,
#            "properties": {"userProperties": [["k", "v"]], "contentType": "text/plain", "messageExpiryInterval": 60}}
# events:   {"event": "connack", "rc": 0}, {"event": "subscribed", "mid": 1, "granted": [1]},
#           {"event": "published", "mid": 2}, {"event": "message", "topic": ..., "payload": ..., "qos": ...,
#            "retain": ..., "properties": {...}}, {"event": "disconnected", "rc": 0}
import json
import sys
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

host, port, transport, version, username, password, client_id = sys.argv[1:8]
v5 = version == "5"
lock = threading.Lock()


def emit(event):
    with lock:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


def rc_value(rc):
    return rc.value if hasattr(rc, "value") else int(rc)


client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311, transport=transport)
if transport == "websockets":
    client.ws_set_options(path="/")
if username:
    client.username_pw_set(username, password)


def on_connect(c, userdata, flags, rc, properties=None):
    emit({"event": "connack", "rc": rc_value(rc)})


def on_disconnect(c, userdata, rc, properties=None):
    emit({"event": "disconnected", "rc": rc_value(rc)})


def on_subscribe(c, userdata, mid, granted, properties=None):
    emit({"event": "subscribed", "mid": mid, "granted": [rc_value(g) for g in granted]})


def on_publish(c, userdata, mid):
    emit({"event": "published", "mid": mid})


def on_message(c, userdata, msg):
    props = {}
    p = getattr(msg, "properties", None)
    if p is not None:
        for name, key in (("UserProperty", "userProperties"), ("ContentType", "contentType"),
                          ("MessageExpiryInterval", "messageExpiryInterval"), ("ResponseTopic", "responseTopic")):
            if hasattr(p, name):
                value = getattr(p, name)
                props[key] = [list(x) for x in value] if name == "UserProperty" else value
    emit({"event": "message", "topic": msg.topic, "payload": msg.payload.decode("utf-8", "replace"),
          "qos": msg.qos, "retain": bool(msg.retain), "properties": props})


client.on_connect = on_connect
client.on_disconnect = on_disconnect
client.on_subscribe = on_subscribe
client.on_publish = on_publish
client.on_message = on_message
client.connect(host, int(port), keepalive=30)
client.loop_start()

for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["op"] == "subscribe":
        result, mid = client.subscribe(cmd["topic"], cmd.get("qos", 0))
        emit({"event": "subscribe-sent", "mid": mid})
    elif cmd["op"] == "publish":
        props = None
        if v5 and cmd.get("properties"):
            props = Properties(PacketTypes.PUBLISH)
            given = cmd["properties"]
            if "userProperties" in given:
                props.UserProperty = [tuple(x) for x in given["userProperties"]]
            if "contentType" in given:
                props.ContentType = given["contentType"]
            if "messageExpiryInterval" in given:
                props.MessageExpiryInterval = given["messageExpiryInterval"]
        info = client.publish(cmd["topic"], cmd.get("payload", ""), cmd.get("qos", 0), cmd.get("retain", False), properties=props)
        emit({"event": "publish-sent", "mid": info.mid})

client.disconnect()
client.loop_stop()
