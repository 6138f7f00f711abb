// The decode feature of a panel (shared/protocol/decode.ts): an entry decoded for the Decoded tab,
// one-line summaries for the rows on screen, the decode settings, and the layer composer's send. The
// decoding itself is PanelDecoding's; every payload is read synchronously (the log recycles its memory).
import { decodeSettingsProblem } from '../../shared/decode/decodeSettingsCheck';
import { RequestError, type RequestHandlers } from '../../shared/messageHandler';
import { MAX_SUMMARY_SEQS, type DecodeRequests } from '../../shared/protocol/decode';
import { DecodedPages } from './decodedPages';
import type { PanelContext } from './panelContext';
import type { PanelDecoding } from './panelDecoding';
import { requirePayload } from './payloadHandlers';

/** Handlers of the decode requests. */
export function decodeHandlers(panel: PanelContext, decoding: PanelDecoding): RequestHandlers<DecodeRequests> {
  const pages = new DecodedPages();
  return {
    getDecoded: ({ seq, paged }) => {
      requirePayload(panel.log, seq);
      const decoded = decoding.decode(seq);
      if (!decoded) return { seq };
      return paged ? { seq, ...pages.first(decoded) } : { seq, decoded };
    },
    getDecodedChildren: ({ tree, section, path, from, auto }) => ({ children: pages.children(tree, section, path, from, auto) }),
    getSummaries: ({ seqs }) => {
      if (seqs.length > MAX_SUMMARY_SEQS) throw new RequestError({ message: `Ask for at most ${MAX_SUMMARY_SEQS} summaries at a time.`, code: 'BAD_REQUEST' });
      return { summaries: decoding.summaries(seqs) };
    },
    setDecodeSettings: async (params) => {
      const { layer, detectLayer, codecs, protoFiles } = params;
      const settings = {
        ...(layer !== undefined ? { layer } : {}),
        ...(detectLayer !== undefined ? { detectLayer } : {}),
        ...(codecs !== undefined ? { codecs } : {}),
        ...(protoFiles !== undefined ? { protoFiles } : {}),
      };
      // The webview checked them; the host checks again, being the one that acts on them.
      const problem = decodeSettingsProblem(settings, 'settings');
      if (problem) throw new RequestError({ message: problem, code: 'BAD_SETTINGS' });
      return { settings: await decoding.setSettings(settings) };
    },
    layerSend: async (params) => {
      // The form without the message's envelope (type, requestId).
      const { type: _type, requestId: _id, ...form } = params as typeof params & { type?: string; requestId?: number };
      const session = decoding.layerSession;
      if (!session) {
        const why = panel.server
          ? 'A listener or proxy decodes its peers\u2019 protocol but does not speak it; use the composer to send bytes.'
          : 'No protocol layer speaks on this connection: choose one under Speak, or reconnect.';
        throw new RequestError({ message: why, code: 'NO_LAYER' });
      }
      if (form.layer !== session.id) throw new RequestError({ message: `This connection speaks ${session.id}, not ${form.layer}.`, code: 'PROTOCOL' });
      return session.send(form as typeof params);
    },
  };
}
