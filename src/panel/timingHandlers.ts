// The timing feature of a panel (shared/protocol/timing.ts): one entry's timing, and the JSON field
// requests and responses are paired by. The pairing itself runs in PanelTiming.
import { RequestError, type RequestHandlers } from '../../shared/messageHandler';
import type { TimingRequests } from '../../shared/protocol';
import type { PanelContext } from './panelContext';
import type { PanelTiming } from './panelTiming';
import { requirePayload } from './payloadHandlers';

/** Handlers of the timing requests. */
export function timingHandlers(panel: PanelContext, timing: PanelTiming): RequestHandlers<TimingRequests> {
  return {
    getTiming: ({ seq }) => {
      requirePayload(panel.log, seq);
      return timing.entry(seq);
    },
    setPairing: ({ field }) => {
      const problem = timing.setField(field);
      if (problem) throw new RequestError({ message: problem, code: 'BAD_FIELD' });
      return {};
    },
  };
}
