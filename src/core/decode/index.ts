// Imports every payload codec so each registers itself (codecRegistry.ts); import this, not the codecs.
export * from './codecRegistry';
export type * from './payloadCodec';
export * from './protobuf';
