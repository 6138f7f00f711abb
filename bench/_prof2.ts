import { protobufPayload, loadBenchSchemas, PROTO_FILE, PROTO_TYPE } from './webview/decodedPayloads';
import { decodeTyped } from '../src/core/decode/protobuf/typedDecode';
import { decodeTypedView } from '../src/core/decode/protobuf/typedView';
import { msgpackPayload } from './webview/decodedPayloads';
import { codecFactories } from '../src/core/decode';
async function main() {
  const payload = await protobufPayload();
  const loaded = await loadBenchSchemas([PROTO_FILE]);
  const root = (loaded.schemas as any).root ?? (loaded as any).root;
  const type = (root as any).lookupType(PROTO_TYPE);
  for (let i = 0; i < 10; i++) {
    let t = performance.now();
    decodeTyped(payload, type, true);
    const a = performance.now() - t;
    t = performance.now();
    decodeTypedView(payload, type);
    const b = performance.now() - t;
    console.log('decodeTyped lazy', a.toFixed(1), 'view', b.toFixed(1));
  }
}
void main();
