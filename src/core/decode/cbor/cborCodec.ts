// The CBOR payload codec: registers itself with the codec registry.
import { registerCodec } from '../codecRegistry';
import { itemCodec } from '../dataItem/itemCodec';
import type { PayloadCodec } from '../payloadCodec';
import { decodeCbor } from './cborDecoder';
import { encodeCbor } from './cborEncoder';

/** The CBOR codec (pure, so one serves every rule). */
export const cborCodec: PayloadCodec = itemCodec({ id: 'cbor', name: 'CBOR', decode: decodeCbor, encode: encodeCbor });

registerCodec({ id: 'cbor', label: 'CBOR', create: () => cborCodec });
