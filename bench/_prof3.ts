import { protobufPayload, loadBenchSchemas, PROTO_FILE, PROTO_TYPE } from './webview/decodedPayloads';
import { decodeTypedView } from '../src/core/decode/protobuf/typedView';
async function main() {
  const payload = await protobufPayload();
  const loaded = await loadBenchSchemas([PROTO_FILE]);
  const type = (loaded.schemas as any).root.lookupType(PROTO_TYPE);
  const t = performance.now();
  for (let i = 0; i < 60; i++) decodeTypedView(payload, type);
  console.log('avg', ((performance.now() - t) / 60).toFixed(1));
}
void main();
