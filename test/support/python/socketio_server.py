"""python-socketio AsyncServer on aiohttp for the Socket.IO layer's peer tests.

Two servers in one process, both on 127.0.0.1 and a port the OS picks: "port" with Engine.IO's usual
ping timing, and "quickPort" pinging every 0.4 s and giving up 0.4 s later (for ping timeout tests).
Prints one JSON line {"port": …, "quickPort": …} once both listen, then one JSON line per thing the
server saw ({"connect": …}, {"got": …}). Exits when its stdin closes.

Namespaces: "/" accepts anyone; "/chat" wants auth {"token": "secret"}; "/admin" refuses everyone.
Events ("/" and "/chat"): chat (acks "ok" and the arguments), send-binary (emits "file" with two
binary attachments), kick (the server disconnects the namespace).
"""
import asyncio
import json
import sys

import socketio
from aiohttp import web


def report(**what):
    print(json.dumps(what), flush=True)


def make_server(**options):
    sio = socketio.AsyncServer(async_mode='aiohttp', **options)

    @sio.event
    async def connect(sid, environ, auth):
        report(connect='/', auth=auth)

    @sio.on('connect', namespace='/chat')
    async def chat_connect(sid, environ, auth):
        report(connect='/chat', auth=auth)
        if auth != {'token': 'secret'}:
            raise socketio.exceptions.ConnectionRefusedError('bad token')

    @sio.on('connect', namespace='/admin')
    async def admin_connect(sid, environ, auth):
        raise socketio.exceptions.ConnectionRefusedError('not authorized')

    for ns in ('/', '/chat'):
        def handlers(ns):
            async def chat(sid, *args):
                report(got={'namespace': ns, 'event': 'chat', 'args': list(args)})
                return ('ok', *args)

            async def send_binary(sid, *args):
                await sio.emit('file', ({'name': 'a.bin', 'data': b'\x00\x01\x02'}, b'\xff\xfe'), to=sid, namespace=ns)

            async def kick(sid, *args):
                await sio.disconnect(sid, namespace=ns)

            sio.on('chat', chat, namespace=ns)
            sio.on('send-binary', send_binary, namespace=ns)
            sio.on('kick', kick, namespace=ns)

        handlers(ns)
    return sio


async def serve(sio):
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


async def main():
    normal, port = await serve(make_server())
    quick, quick_port = await serve(make_server(ping_interval=0.4, ping_timeout=0.4))
    report(port=port, quickPort=quick_port)
    loop = asyncio.get_running_loop()
    # Stop when the test process closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    await normal.cleanup()
    await quick.cleanup()


asyncio.run(main())
