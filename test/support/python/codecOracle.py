"""Oracle for the MessagePack and CBOR codecs, run with Debian's python3-msgpack and python3-cbor2.

Usage: codecOracle.py samples|check|reject  (JSON in on stdin, JSON out on stdout)

samples  values made here, encoded by msgpack.packb / cbor2.dumps, each with the value written in the
         extended notation by this file's own writer (an implementation independent of ours).
check    [{format, hex, notation}]: decodes hex with the Python library and compares it, type for type,
         with the value this file's own reader makes of the notation.
reject   [{format, hex}]: whether the Python library refuses each input.
big      {bytes}: a MessagePack message of about that size, made by msgpack.packb.
"""
import datetime
import json
from collections.abc import Mapping
import math
import struct
import sys

import cbor2
import msgpack
from cbor2.types import FrozenDict

UTC = datetime.timezone.utc


class Ext:
    """A MessagePack ext type of any code (msgpack.ExtType refuses negative codes)."""

    def __init__(self, code, data):
        self.code, self.data = code, bytes(data)


def mp_loads(b):
    return msgpack.unpackb(b, raw=False, strict_map_key=False, use_list=False, ext_hook=Ext)


def cbor_loads(b):
    return cbor2.loads(b)


def canon(v):
    """The value as a typed tree, so that 1 and 1.0, or a list and a map, never compare equal."""
    if v is None:
        return ['null']
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, int):
        return ['int', str(v)]
    if isinstance(v, float):
        return ['float', 'NaN' if math.isnan(v) else repr(v)]
    if isinstance(v, str):
        return ['str', v]
    if isinstance(v, (bytes, bytearray)):
        return ['bin', bytes(v).hex()]
    if isinstance(v, cbor2.CBORSimpleValue):  # a namedtuple: before tuples
        return ['simple', v.value]
    if isinstance(v, (list, tuple)):
        return ['array', [canon(x) for x in v]]
    if isinstance(v, Mapping):
        return ['map', [[canon(k), canon(x)] for k, x in v.items()]]
    if isinstance(v, Ext):
        return ['ext', v.code, v.data.hex()]
    if isinstance(v, msgpack.Timestamp):
        return ['ext', -1, v.to_bytes().hex()]
    if isinstance(v, cbor2.CBORTag):
        return ['tag', str(v.tag), canon(v.value)]
    if v is cbor2.undefined:
        return ['undefined']
    if isinstance(v, cbor2.CBORSimpleValue):
        return ['simple', v.value]
    if isinstance(v, datetime.datetime):
        return ['datetime', v.isoformat()]
    raise TypeError('no canonical form for %r' % (v,))


def render(v):
    """Writes a value in the extended notation (docs/codecs.md)."""
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v) if abs(v) <= 2**53 - 1 else '{"$int": "%d"}' % v
    if isinstance(v, float):
        if math.isnan(v):
            return '{"$float": "NaN"}'
        if math.isinf(v):
            return '{"$float": "%s"}' % ('Infinity' if v > 0 else '-Infinity')
        if v == 0 and math.copysign(1, v) < 0:
            return '{"$float": "-0"}'
        if v.is_integer():
            return '{"$float": %d}' % int(v)
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (bytes, bytearray)):
        return '{"$bin": "%s"}' % bytes(v).hex()
    if isinstance(v, cbor2.CBORSimpleValue):  # a namedtuple: before tuples
        return '{"$simple": %d}' % v.value
    if isinstance(v, (list, tuple)):
        return '[' + ', '.join(render(x) for x in v) + ']'
    if isinstance(v, Mapping):
        keys = list(v.keys())
        if all(isinstance(k, str) for k in keys) and not (len(keys) == 1 and keys[0].startswith('$')):
            return '{' + ', '.join('%s: %s' % (json.dumps(k), render(x)) for k, x in v.items()) + '}'
        return '{"$map": [' + ', '.join('[%s, %s]' % (render(k), render(x)) for k, x in v.items()) + ']}'
    if isinstance(v, Ext):
        return '{"$ext": [%d, "%s"]}' % (v.code, v.data.hex())
    if isinstance(v, msgpack.Timestamp):
        return '{"$ext": [-1, "%s"]}' % v.to_bytes().hex()
    if isinstance(v, cbor2.CBORTag):
        return '{"$tag": [%d, %s]}' % (v.tag, render(v.value))
    if v is cbor2.undefined:
        return '{"$undefined": true}'
    if isinstance(v, cbor2.CBORSimpleValue):
        return '{"$simple": %d}' % v.value
    if isinstance(v, datetime.datetime):
        # As cbor2.dumps writes a datetime: tag 0 around its ISO text.
        return '{"$tag": [0, %s]}' % json.dumps(v.isoformat().replace('+00:00', 'Z'))
    raise TypeError('cannot render %r' % (v,))


def hashable(v):
    if isinstance(v, list):
        return tuple(hashable(x) for x in v)
    if isinstance(v, dict):
        return FrozenDict({k: x for k, x in v.items()})
    return v


def read_notation(text, fmt):
    """This file's own reader of the extended notation, to Python values."""

    def special(number):
        return {'NaN': math.nan, 'Infinity': math.inf, '-Infinity': -math.inf, '-0': -0.0}.get(number, number)

    def hook(pairs):
        if len(pairs) == 1 and pairs[0][0].startswith('$'):
            name, v = pairs[0]
            if name == '$bin':
                return bytes.fromhex(v)
            if name == '$ext':
                data = bytes.fromhex(v[1])
                return msgpack.Timestamp.from_bytes(data) if v[0] == -1 else Ext(v[0], data)
            if name == '$tag':
                return cbor2.CBORTag(v[0], v[1])
            if name == '$int':
                return int(v)
            if name == '$float':
                return float(special(v))
            if name == '$float32':
                return struct.unpack('>f', struct.pack('>f', float(special(v))))[0]
            if name == '$float16':
                return struct.unpack('>e', struct.pack('>e', float(special(v))))[0]
            if name == '$map':
                return {hashable(k): x for k, x in v}
            if name == '$undefined':
                return cbor2.undefined
            if name == '$simple':
                return cbor2.CBORSimpleValue(v)
            raise ValueError('unknown notation ' + name)
        return {k: x for k, x in pairs}

    value = json.loads(text, object_pairs_hook=hook)
    if fmt == 'cbor':
        # Let cbor2 give tags 0-3 their meaning (dates, bignums), as its decoder does.
        value = cbor2.loads(cbor2.dumps(value))
    return value


def samples():
    d = datetime.datetime
    out = []

    def add(fmt, name, value, **kw):
        raw = msgpack.packb(value, use_bin_type=True, **kw) if fmt == 'msgpack' else cbor2.dumps(value, **kw)
        loads = mp_loads if fmt == 'msgpack' else cbor_loads
        out.append({'format': fmt, 'name': name, 'hex': raw.hex(), 'notation': render(loads(raw))})

    mp = {
        'ints': [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**53, 2**64 - 1,
                 -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63],
        'floats': [0.0, -0.0, 1.0, 1.5, -2.25, 1e300, 5e-324, 0.1, math.inf, -math.inf, 1e21, 123456789.0],
        'strings': ['', 'a', 'x' * 31, 'y' * 32, 'z' * 255, 'w' * 256, 'héllo wörld ✓ 😀', 'v' * 70000],
        'binary': [b'', b'\x00\x01\xff', bytes(range(256)), b'\xab' * 70000],
        'nested': {'type': 'chat', 'body': {'text': 'hi', 'to': [1, 2, {'deep': [None, True, False]}]}},
        'int keys': {1: 'one', -2: 'minus two', 2**64 - 1: 'max'},
        'bytes and tuple keys': {b'\x01\x02': 'bytes', (1, 'a'): 'tuple', 1.5: 'float'},
        'dollar key': {'$bin': 'not binary'},
        'ext types': [msgpack.ExtType(1, b'\x01'), msgpack.ExtType(5, b'ab'), msgpack.ExtType(127, b'1234'),
                      msgpack.ExtType(2, b'12345678'), msgpack.ExtType(3, b'x' * 16), msgpack.ExtType(4, b'abc'),
                      msgpack.ExtType(6, b''), msgpack.ExtType(7, b'z' * 300), msgpack.ExtType(8, b'q' * 70000)],
        'timestamps': [msgpack.Timestamp(1, 0), msgpack.Timestamp(1700000000, 123456789),
                       msgpack.Timestamp(2**34, 5), msgpack.Timestamp(-1, 0)],
        'big array': list(range(20)),
        'big map': {str(i): i for i in range(20)},
        'array16 and map16': [list(range(70000)), {i: i for i in range(300)}],
    }
    for name, value in mp.items():
        add('msgpack', name, value)
    add('msgpack', 'single float', [1.5, 0.1, 3.0], use_single_float=True)

    cb = {
        'ints': [0, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**53, 2**64 - 1,
                 -1, -24, -25, -256, -257, -2**32, -2**63, -2**64],
        'bignums': [2**64, 2**100, -2**64 - 1, -2**100, 10**40],
        'floats': [0.0, -0.0, 1.0, 1.5, 1e300, 5e-324, 0.1, math.inf, -math.inf, math.nan, 1e21],
        'strings': ['', 'a', 'x' * 23, 'y' * 24, 'héllo ✓ 😀', 'v' * 70000],
        'binary': [b'', b'\x00\x01\xff', b'\xab' * 70000],
        'nested': {'type': 'chat', 'body': {'text': 'hi', 'to': [1, 2, {'deep': [None, True, False]}]}},
        'non-string keys': {1: 'one', -2: 'two', b'\x01': 'bytes', (1, 2): 'array', 1.5: 'float', None: 'null'},
        'dollar key': {'$tag': 'not a tag'},
        'tags': [cbor2.CBORTag(32, 'http://example.com'), cbor2.CBORTag(100, [1, 2]),
                 cbor2.CBORTag(2**40, 'big tag'), cbor2.CBORTag(4000, {'nested': cbor2.CBORTag(5000, b'x')})],
        'dates': [d(2020, 1, 1, tzinfo=UTC), d(2013, 3, 21, 20, 4, 0, tzinfo=UTC),
                  d(2020, 1, 1, 1, 2, 3, 456000, tzinfo=UTC)],
        'undefined and simple': [cbor2.undefined, cbor2.CBORSimpleValue(0), cbor2.CBORSimpleValue(16),
                                 cbor2.CBORSimpleValue(19), cbor2.CBORSimpleValue(32), cbor2.CBORSimpleValue(255)],
        'many items': list(range(1000)),
    }
    for name, value in cb.items():
        add('cbor', name, value)
    epoch = cbor2.dumps(d(2020, 1, 1, tzinfo=UTC), datetime_as_timestamp=True)
    # cbor2 reads tag 1 as a datetime, which render() writes as tag 0: this one is written here.
    out.append({'format': 'cbor', 'name': 'epoch date', 'hex': epoch.hex(), 'notation': '{"$tag": [1, 1577836800]}'})
    # cbor2 writes no indefinite lengths; these are made by hand and cbor2 decodes them.
    for name, h in [('indefinite array', '9f0102039f04ffff'), ('indefinite map', 'bf61610161629f02ffff'),
                    ('indefinite str', '7f626865636c6c6f6120ff'), ('indefinite bin', '5f4201024103ff'),
                    ('float16 and float32', '83f93e00fa3fc00000f97c00')]:
        out.append({'format': 'cbor', 'name': name, 'hex': h, 'notation': render(cbor_loads(bytes.fromhex(h)))})
    return out


def check(cases):
    results = []
    for case in cases:
        loads = mp_loads if case['format'] == 'msgpack' else cbor_loads
        try:
            got = canon(loads(bytes.fromhex(case['hex'])))
        except Exception as e:  # noqa: BLE001 - reported to the test
            results.append({'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})
            continue
        expected = canon(read_notation(case['notation'], case['format']))
        results.append({'ok': got == expected, 'got': got, 'expected': expected})
    return results


def reject(cases):
    results = []
    for case in cases:
        loads = mp_loads if case['format'] == 'msgpack' else cbor_loads
        try:
            loads(bytes.fromhex(case['hex']))
            results.append(False)
        except Exception:  # noqa: BLE001 - any refusal counts
            results.append(True)
    return results


def big(request):
    """A list of chat-like maps packed to about request['bytes'] bytes."""
    items, size = [], 0
    while size < request['bytes']:
        item = {'type': 'chat', 'seq': len(items), 'at': msgpack.Timestamp(1700000000 + len(items), 0),
                'text': 'message %d' % len(items), 'score': len(items) / 7, 'tags': [b'\x01\x02', None, True]}
        items.append(item)
        size += len(msgpack.packb(item, use_bin_type=True))
    return {'hex': msgpack.packb(items, use_bin_type=True).hex()}


def main():
    mode = sys.argv[1]
    data = json.load(sys.stdin)
    modes = {'samples': lambda _: samples(), 'check': check, 'reject': reject, 'big': big}
    result = modes[mode](data)
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
