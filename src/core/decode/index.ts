// Imports every payload codec so each registers itself (codecRegistry.ts); import this, not the codecs.
import './msgpack/msgpackCodec';
import './cbor/cborCodec';
export * from './codecRegistry';
export type * from './payloadCodec';
export * from './protobuf';
