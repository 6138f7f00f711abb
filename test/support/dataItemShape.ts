// Items compared by value: offsets, wire names, float widths and string chunks left out, and a CBOR
// bignum beyond 64 bits read as the integer it is (as the notation's $int), so that a decoded payload
// and the notation parsed from text (or Python's reading of it) can be compared.
import { toHex } from '../../shared/codecs/hexDump';
import type { DataItem } from '../../src/core/decode/dataItem/dataItem';

export function itemShape(item: DataItem | undefined): unknown {
  if (!item) return ['missing'];
  switch (item.kind) {
    case 'int':
      return ['int', item.value.toString()];
    case 'float':
      return ['float', Number.isNaN(item.value) ? 'NaN' : Object.is(item.value, -0) ? '-0' : String(item.value)];
    case 'str':
      return ['str', item.value];
    case 'bin':
      return ['bin', toHex(item.value)];
    case 'bool':
      return ['bool', item.value];
    case 'null':
    case 'undefined':
      return [item.kind];
    case 'simple':
      return ['simple', item.value];
    case 'ext':
      return ['ext', item.type, toHex(item.data)];
    case 'tag': {
      const c = item.content;
      if ((item.tag === 2n || item.tag === 3n) && c?.kind === 'bin' && c.value.length > 8 && c.value[0] !== 0) {
        const n = BigInt(`0x${toHex(c.value)}`);
        return ['int', (item.tag === 2n ? n : -1n - n).toString()];
      }
      return ['tag', item.tag.toString(), itemShape(item.content)];
    }
    case 'array':
      return ['array', item.items.map(itemShape)];
    case 'map':
      return ['map', item.entries.map((e) => [itemShape(e.key), itemShape(e.value)])];
  }
}
