// A model of what VS Code does with `webview.postMessage(message)` in the extension host
// (src/vs/workbench/api/common/extHostWebviewMessaging.ts, serializeWebviewMessage): the message is
// JSON-stringified with a replacer that takes every ArrayBuffer, and the whole buffer under every typed
// array, out of band; the JSON and those buffers are what crosses to the renderer. Two consequences
// the benchmark measures: a Node Buffer has toJSON, which JSON.stringify applies before the replacer
// sees it, so it ships as a JSON array of numbers; and a view into a larger (pooled) buffer ships all
// of that buffer.

/** What one postMessage sends: the JSON text and the binary buffers beside it. */
export interface SerializedWebviewMessage {
  readonly json: string;
  readonly buffers: readonly ArrayBufferLike[];
  /** JSON length plus every buffer's byteLength: the bytes that cross to the webview. */
  readonly bytes: number;
}

/** Serializes a message the way the extension host does before posting it to a webview. */
export function serializeWebviewMessage(message: unknown): SerializedWebviewMessage {
  const buffers: ArrayBufferLike[] = [];
  const indexOf = (buffer: ArrayBufferLike): number => {
    let i = buffers.indexOf(buffer);
    if (i < 0) i = buffers.push(buffer) - 1;
    return i;
  };
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: indexOf(value) };
    if (ArrayBuffer.isView(value)) {
      return {
        $$vscode_array_buffer_reference$$: true,
        index: indexOf(value.buffer),
        view: { type: value.constructor.name, byteLength: value.byteLength, byteOffset: value.byteOffset },
      };
    }
    return value;
  });
  let bytes = json.length;
  for (const b of buffers) bytes += b.byteLength;
  return { json, buffers, bytes };
}
