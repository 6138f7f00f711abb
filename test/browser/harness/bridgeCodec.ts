// Encodes protocol messages for the Playwright bridge, which carries JSON only. ArrayBuffers and typed
// arrays become tagged base64, like VS Code's own postMessage transfers them as binary. A Node Buffer
// is refused: VS Code would serialize it as JSON ({type:'Buffer',data:[…]}), so posting one is a bug.

/** A binary value on the bridge. */
interface EncodedBinary {
  readonly __bin: 'ArrayBuffer' | 'Uint8Array' | 'Float64Array' | 'Uint32Array';
  readonly b64: string;
}

/** Encodes a message posted by the host for the page. Throws on a Node Buffer. */
export function encodeForBridge(value: unknown, path = 'message'): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) throw new Error(`${path} is a Node Buffer; post a plain Uint8Array or ArrayBuffer`);
  if (value instanceof ArrayBuffer) return { __bin: 'ArrayBuffer', b64: Buffer.from(value).toString('base64') };
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as EncodedBinary['__bin'];
    if (name !== 'Uint8Array' && name !== 'Float64Array' && name !== 'Uint32Array') throw new Error(`${path}: unsupported ${name}`);
    if (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength) {
      // VS Code ships the whole underlying buffer; a view into a larger (pooled) one leaks and bloats.
      throw new Error(`${path} is a view into a larger buffer (${value.byteLength} of ${value.buffer.byteLength} bytes); copy it first`);
    }
    return { __bin: name, b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) return value.map((v, i) => encodeForBridge(v, `${path}[${i}]`));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = encodeForBridge(v, `${path}.${k}`);
  return out;
}

/** Decodes a message the page posted, restoring ArrayBuffers and typed arrays. */
export function decodeFromBridge(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeFromBridge);
  const v = value as Record<string, unknown>;
  if (typeof v.__bin === 'string' && typeof v.b64 === 'string') {
    const bytes = Buffer.from(v.b64, 'base64');
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    switch (v.__bin) {
      case 'ArrayBuffer':
        return buffer;
      case 'Uint8Array':
        return new Uint8Array(buffer);
      case 'Float64Array':
        return new Float64Array(buffer);
      case 'Uint32Array':
        return new Uint32Array(buffer);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decodeFromBridge(x);
  return out;
}
