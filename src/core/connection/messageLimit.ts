// The largest WebSocket message a connection accepts, from the user's setting
// (socketInspector.maxMessageMegabytes). `ws` enforces it while a message arrives — at each frame header
// and while inflating — so an oversized message is refused with close code 1009 long before it is buffered.

/** Default of socketInspector.maxMessageMegabytes (the same 100 MiB ws uses). */
export const DEFAULT_MAX_MESSAGE_MEGABYTES = 100;
/** Largest value the setting allows: ws keeps the limit in a signed 32-bit integer. */
export const MAX_MESSAGE_MEGABYTES = 2047;

const MiB = 1024 * 1024;

/** The limit in bytes for a setting value; anything but a positive number falls back to the default. */
export function maxPayloadFromMegabytes(value: unknown): number {
  const megabytes = typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_MESSAGE_MEGABYTES;
  return Math.max(1, Math.floor(Math.min(megabytes, MAX_MESSAGE_MEGABYTES) * MiB));
}

/** `options` with the setting's limit, unless they name their own maxPayload (a session file or a command's argument). */
export function withMessageLimit<T extends { maxPayload?: number }>(options: T, megabytes: unknown): T {
  return options.maxPayload !== undefined ? options : { ...options, maxPayload: maxPayloadFromMegabytes(megabytes) };
}
