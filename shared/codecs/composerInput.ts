// What the user typed in the composer, turned into the bytes to send, per input format.
import { SocketInspectorError } from '../errors';
import { decodeBase64 } from './base64';
import { parseHex } from './hexInput';
import { jsonError } from './jsonFormat';
import { encodeTextWithEscapes } from './textEscapes';

export { formatJson } from './jsonFormat';

/** How the composer's text is to be read. */
export type ComposerFormat = 'text' | 'json' | 'hex' | 'base64';

/** What the user typed in the composer (a message to send, a saved one, an auto-reply's reply). */
export interface ComposerMessage {
  readonly format: ComposerFormat;
  readonly input: string;
  /** Text format only: interpret backslash escapes. */
  readonly escapes: boolean;
}

/** Every composer format, in menu order. */
export const COMPOSER_FORMATS: readonly ComposerFormat[] = ['text', 'json', 'hex', 'base64'];

/** Options for reading composer input. */
export interface ComposerInputOptions {
  /** For 'text': interpret backslash escapes (\n, \xHH, \u{1F600}…). Default false. */
  readonly escapes?: boolean;
}

/** Outcome of {@link validateComposerInput}. */
export type ComposerValidation =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: SocketInspectorError };

const encoder = new TextEncoder();

/**
 * The bytes to send for `input` read as `format`. JSON is sent as typed (UTF-8), only checked.
 * Throws SocketInspectorError (INVALID_ESCAPE, INVALID_JSON, INVALID_HEX, INVALID_BASE64) with the
 * line and column of the problem.
 */
export function parseComposerInput(
  input: string,
  format: ComposerFormat,
  options: ComposerInputOptions = {},
): Uint8Array {
  switch (format) {
    case 'text':
      return options.escapes ? encodeTextWithEscapes(input) : encoder.encode(input);
    case 'json': {
      const error = jsonError(input);
      if (error) throw error;
      return encoder.encode(input);
    }
    case 'hex':
      return parseHex(input);
    case 'base64':
      return decodeBase64(input);
    default: {
      // Formats come from the webview over postMessage, so an unknown one is possible at runtime.
      const unknown: never = format;
      throw new TypeError(`Unknown composer format: ${String(unknown)}`);
    }
  }
}

/** Like {@link parseComposerInput} but never throws, for validating as the user types. */
export function validateComposerInput(
  input: string,
  format: ComposerFormat,
  options: ComposerInputOptions = {},
): ComposerValidation {
  try {
    return { ok: true, bytes: parseComposerInput(input, format, options) };
  } catch (e) {
    if (e instanceof SocketInspectorError) return { ok: false, error: e };
    throw e;
  }
}
