// The MessagePack payload codec: registers itself with the codec registry.
import { registerCodec } from '../codecRegistry';
import { itemCodec } from '../dataItem/itemCodec';
import type { PayloadCodec } from '../payloadCodec';
import { decodeMsgpack } from './msgpackDecoder';
import { encodeMsgpack } from './msgpackEncoder';

/** The MessagePack codec (pure, so one serves every rule). */
export const msgpackCodec: PayloadCodec = itemCodec({
  id: 'msgpack',
  name: 'MessagePack',
  decode: decodeMsgpack,
  encode: encodeMsgpack,
});

registerCodec({ id: 'msgpack', label: 'MessagePack', create: () => msgpackCodec });
