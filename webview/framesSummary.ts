// The Frames tab's words about an entry's frames: which frame is compressed, and the summary line that
// sets the bytes on the wire against the message as logged. No DOM: unit-tested in Node.
import { isControlOpcode, type FramesResult, type WireFrameInfo } from '../shared/wireFrames';
import { formatBytes, formatCount } from './entryFormat';
import { t } from './l10n';

/** Whether a frame is the compressed first frame of a message (RSV1 under permessage-deflate). */
export function isCompressedFrame(f: WireFrameInfo, deflate: boolean): boolean {
  return deflate && f.rsv1 && !isControlOpcode(f.opcode) && f.opcode !== 0x0;
}

/** The one-line summary above the table. */
export function framesSummary(r: FramesResult): string {
  const parts = [`${formatCount(r.total)} ${r.total === 1 ? t('frame') : t('frames')}`];
  const headers = r.frames.reduce((sum, f) => sum + f.headerLength, 0);
  const complete = r.frames.length === r.total;
  parts.push(complete ? t('{0} payload + {1} headers on the wire', formatBytes(r.wireBytes), formatBytes(headers)) : t('{0} payload on the wire', formatBytes(r.wireBytes)));
  const compressed = r.frames.some((f) => isCompressedFrame(f, r.deflate));
  if (compressed) {
    const ratio = r.messageLength > 0 ? ` (${Math.round((r.wireBytes / r.messageLength) * 100)}%)` : '';
    parts.push(t('compressed: {0} on the wire for a {1} message{2}', formatBytes(r.wireBytes), formatBytes(r.messageLength), ratio));
  } else {
    parts.push(t('message {0}', formatBytes(r.messageLength)));
  }
  return parts.join(' · ');
}
