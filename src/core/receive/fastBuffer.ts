// Node's own Buffer constructor, without the argument checks of Buffer.from: what Node and ws make their
// views with. A view per socket read or frame is on the ingest path, where those checks show.
export const FastBuffer = (Buffer as unknown as { [Symbol.species]: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer })[
  Symbol.species
];
