// A decoding error at a byte offset, thrown and caught inside a decoder (a malformed payload is shown, not
// failed). Built without a stack trace: decoders try readings that may fail (a record as a nested message,
// a packet as MQTT 5 then 3.1.1), and a stack would cost more than the decoding.
export class OffsetError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}
