// Auto-reply rules as the user writes them, and their limits: the host (src/core/listen/autoReplyMatching.ts)
// compiles and matches them; the webview edits them and the message schema checks them.
import type { ComposerMessage } from './codecs/composerInput';

/** One rule as the user writes it. */
export interface AutoReplyRule {
  /** A disabled rule is kept (the editor shows it) but never answers. */
  readonly enabled: boolean;
  /**
   * What a received message must contain, case-sensitive, or `/regex/flags`. Messages are read as UTF-8
   * text (binary ones too). Empty matches every message.
   */
  readonly match: string;
  /** What to send back, in the composer's formats. */
  readonly reply: ComposerMessage;
  /** Milliseconds to wait before replying (0: at once). */
  readonly delayMs: number;
}

/** Most rules one listener takes. */
export const MAX_AUTO_REPLY_RULES = 100;
/** Longest delay a rule may ask for, ms. */
export const MAX_AUTO_REPLY_DELAY_MS = 60 * 60 * 1000;
