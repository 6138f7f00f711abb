// Entry point of the inspector webview: builds the layout, connects the channel to the host, and
// routes host events to the views. The webview renders and asks; the host decides what happened.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { decodeMatchBits } from '../shared/matchBits';
import { MessageHandler, toErrorInfo } from '../shared/messageHandler';
import { webviewIncoming } from '../shared/messageSchema';
import type { ConnectionState } from '../shared/logModel';
import type { DecodeEvents, FilterSpec, HostEvents, HostRequests, PanelSnapshot, PanelStats, WebviewEvents, WebviewRequests } from '../shared/protocol';
import { Composer } from './composer';
import { EncodeOption } from './composerEncodeOption';
import { forwardControlLabels } from './controlLabels';
import { DetailPane } from './detailPane';
import { pagedDecoded } from './decodedView';
import { decodeIsOn, defaultFormat, fieldFilterExample } from './decodeNames';
import { DecodeStatus } from './decodeStatus';
import { SummaryCache } from './summaryCache';
import { FilterBar, isActive } from './filterBar';
import { FramingControl } from './framingControl';
import { HoldPanel } from './holdPanel';
import { t } from './l10n';
import type { ConnectionDetails } from './handshakeView';
import { attachRegionCycling, focusFirstControl, trackFocusModality } from './keyboardNavigation';
import { LiveAnnouncer } from './liveAnnouncer';
import { LogStore } from './logStore';
import { LogView } from './logView';
import { createMainSplit } from './mainSplit';
import { ServerPanel } from './serverPanel';
import { panelStyles } from './styles';
import { PairingField } from './pairingField';
import { TimingLine } from './timingLine';
import { Toolbar } from './toolbar';
import { WebviewHost } from './vscodeApi';

function injectStyles(): void {
  const style = document.createElement('style');
  // The page's CSP admits only styles carrying the nonce our script was loaded with.
  style.nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
  style.textContent = panelStyles;
  document.head.append(style);
}

function start(): void {
  injectStyles();
  const host = new WebviewHost();
  const root = document.getElementById('app') ?? document.body;

  // The decode slice (shared/protocol/decode.ts) is asked for by name here until the host's side of it
  // joins WebviewRequests.
  const channel = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
    post: (m) => host.api.postMessage(m),
    schemas: webviewIncoming,
    requests: {},
    events: {
      entries: ({ batchId, batch, stats }) => {
        // Acknowledged on arrival: the host may post the next batch while this one is stored.
        channel.sendEvent('ack', { batchId });
        store.addBatch(batch);
        store.applyStats(stats);
        applyTiming(stats);
      },
      stats: ({ stats }) => {
        store.applyStats(stats);
        applyTiming(stats);
      },
      cleared: ({ stats }) => {
        store.cleared(stats);
        resetSummaries(false);
        applyTiming(stats);
        logView.select(undefined);
      },
      state: ({ state, error, protocol, extensions, halfClosed }) => {
        shownState = state;
        toolbar.setPeerHalfClosed(halfClosed === 'peer');
        toolbar.setState(state, error);
        announcer.connection(state, error);
        updateComposer();
        details = { ...details, ...(protocol !== undefined ? { protocol } : {}), ...(extensions !== undefined ? { extensions } : {}) };
        detail.setConnection(details);
      },
      handshake: ({ handshake }) => {
        details = { ...details, handshake };
        detail.setConnection(details);
      },
      tls: ({ tls }) => {
        details = { ...details, tls };
        detail.setConnection(details);
      },
      filterMatches: ({ generation, bits, scannedTo, done }) => store.addMatches(generation, decodeMatchBits(bits), scannedTo, done),
      composerLists: ({ history, saved }) => composer.setLists(history, saved),
      snapshot: ({ snapshot }) => applySnapshot(snapshot),
      reveal: ({ seq }) => reveal(seq),
      session: ({ session }) => toolbar.setSession(session),
      peers: ({ peers }) => server.update(peers),
      held: ({ proxy }) => hold.update(proxy),
      autoReplies: ({ autoReplies }) => server.setAutoReplies(autoReplies),
      filterOff: ({ generation, message }) => {
        if (generation !== filterGeneration) return;
        filterBar.setError(message);
        store.startFilter(generation, false);
      },
      decodeState: (state) => applyDecodeState(state),
    },
    onProblem: (p) => console.warn(`[socket-inspector] ${p}`),
  });
  const reportError = (message: string): void => channel.sendEvent('webviewError', { message });

  let details: ConnectionDetails = { connectionKind: 'ws', target: '' };
  /** State of the connection whose log is shown. */
  let shownState: ConnectionState = 'idle';
  let filterGeneration = 0;
  let chromeFrame = 0;
  const announcer = new LiveAnnouncer();

  const store = new LogStore(
    {
      getRange: (fromSeq, count) => channel.sendRequest('getRange', { fromSeq, count }).then((r) => r.batch),
      getEntries: (seqs) => channel.sendRequest('getEntries', { seqs: seqs.buffer as ArrayBuffer }).then((r) => r.batch),
    },
    () => {
      logView.invalidate();
      chromeFrame ||= requestAnimationFrame(updateChrome);
    },
    reportError,
  );

  /** How the connection's messages are read now (a protocol layer, payload codecs), from the host. */
  let decodeState: DecodeEvents['decodeState'] | undefined;
  let decodeSettingsKey = '';
  const summaries = new SummaryCache(
    { getSummaries: (seqs) => channel.sendRequest('getSummaries', { seqs }) },
    () => logView.invalidate(),
    reportError,
  );
  const decodeStatus = new DecodeStatus(() => resetSummaries(false));

  /** Rows ask for summaries again: the reading changed (old ones shown meanwhile), or the log started over. */
  function resetSummaries(sameLog: boolean): void {
    const settings = decodeState?.settings;
    summaries.reset(decodeIsOn(settings) && !decodeStatus.raw, defaultFormat(settings), sameLog);
  }

  function applyDecodeState(state: DecodeEvents['decodeState']): void {
    decodeState = state;
    announcer.decode(decodeStatus.update(state));
    filterBar.setFieldHint(fieldFilterExample(state.settings));
    composer.setLayer(state.settings.layer);
    encodeOption.setSettings(state.settings);
    resetSummaries(true);
    const key = JSON.stringify(state.settings);
    if (key === decodeSettingsKey) return;
    decodeSettingsKey = key;
    detail.setDecoding(decodeIsOn(state.settings));
    // Field filters (`topic:…`) match what the new reading decodes: the host scans again when asked.
    const filter = filterBar.spec();
    if (isActive(filter)) applyFilter(filter);
  }

  const toolbar = new Toolbar({
    connect: () => void channel.sendRequest('connect', {}).catch((e: unknown) => toolbar.setState('error', toErrorInfo(e))),
    disconnect: () => void channel.sendRequest('disconnect', {}).catch((e: unknown) => reportError(toErrorInfo(e).message)),
    clear: () => void channel.sendRequest('clear', {}).catch((e: unknown) => reportError(toErrorInfo(e).message)),
    setFollow: (follow) => {
      logView.setPaused(!follow);
      host.remember({ follow });
    },
    save: () => void channel.sendRequest('sessionCommand', { command: 'save' }).catch((e: unknown) => reportError(toErrorInfo(e).message)),
    replay: () => void channel.sendRequest('sessionCommand', { command: 'replay' }).catch((e: unknown) => reportError(toErrorInfo(e).message)),
    saveServer: () => void channel.sendRequest('saveServer', {}).catch((e: unknown) => reportError(toErrorInfo(e).message)),
    recordTest: () => {
      // Rows selected with Shift make the test; one selected row is where the user looked, not a choice.
      const range = logView.selectedRange;
      const params: WebviewRequests['sessionCommand']['params'] = range && range.from !== range.to ? { command: 'recordTest', range } : { command: 'recordTest' };
      void channel.sendRequest('sessionCommand', params).catch((e: unknown) => reportError(toErrorInfo(e).message));
    },
  });
  const framing = new FramingControl({ apply: async (spec) => void (await channel.sendRequest('setFraming', { spec })) });
  toolbar.addControl(framing.element);
  toolbar.addControl(decodeStatus.element);
  const pairing = new PairingField({
    setPairing: async (field) => {
      await channel.sendRequest('setPairing', { field });
    },
  });
  const filterBar = new FilterBar({ onChange: (spec) => applyFilter(spec), extras: [pairing.element] });
  const logView = new LogView(store, {
    onSelect: (seq) => {
      detail.show(seq);
      timingLine.show(seq);
      host.remember({ selectedSeq: seq ?? null });
    },
    onFollowChange: (following) => {
      toolbar.setFollowing(following);
      announcer.entries(store.stats.nextSeq, following);
    },
    onOpen: () => detail.focus(),
  }, summaries);
  const detail = new DetailPane({
    getPayload: (seq, limit) => channel.sendRequest('getPayload', { seq, limit }),
    getPayloadPage: (seq, offset, length) => channel.sendRequest('getPayloadPage', { seq, offset, length }),
    getTextRows: (seq) => channel.sendRequest('getTextRows', { seq }),
    findInPayload: (seq, needle, from, backwards) =>
      channel.sendRequest('findInPayload', { seq, needle: needle.slice().buffer, from, backwards }).then((r) => r.offset),
    getFrames: (seq) => channel.sendRequest('getFrames', { seq }),
    copy: async (seq, as) => {
      await channel.sendRequest('copy', { seq, as });
    },
    copyRange: async (seq, offset, length, as) => {
      await channel.sendRequest('copy', { seq, as, offset, length });
    },
    savePayload: (seq) => channel.sendRequest('savePayload', { seq }),
    getDecoded: (seq) => channel.sendRequest('getDecoded', { seq, paged: true }).then((r) => pagedDecoded(r, (p) => channel.sendRequest('getDecodedChildren', p))),
    onTabChange: (tab) => host.remember({ tab }),
  });
  const timingLine = new TimingLine({
    getTiming: (seq) => channel.sendRequest('getTiming', { seq }),
    jump: (seq) => logView.select(seq),
  });
  detail.addHeaderRow(timingLine.element);

  /** Round-trip summary and pairing field from the host's counters. */
  function applyTiming(stats: PanelStats): void {
    timingLine.onSummary(stats.timing);
    if (stats.timing) pairing.setApplied(stats.timing.field);
  }
  /** "Encode as <codec>" beside the composer's format. */
  const encodeOption = new EncodeOption();
  const composer = new Composer({
    send: (message, { framed, fragments }) =>
      hold.editing !== undefined
        ? hold.forwardEdited(message)
        : channel.sendRequest('send', {
        ...message,
        ...(hold.active && !server.broadcast ? { inject: hold.injectTo } : {}),
        ...(server.broadcast ? { broadcast: true } : {}),
        ...(encodeOption.chosen ? { encode: true } : {}),
        ...(framed ? { framed } : {}),
        ...(fragments > 1 ? { fragments } : {}),
      }),
    ping: async (payload) => {
      await channel.sendRequest('ping', { payload });
    },
    pong: async (payload) => {
      await channel.sendRequest('pong', { payload });
    },
    setAutoPong: async (enabled) => {
      await channel.sendRequest('setAutoPong', { enabled });
    },
    close: async (code, reason) => {
      await channel.sendRequest('close', { code, reason });
    },
    save: async (name, message) => {
      await channel.sendRequest('saveMessage', { name, ...message });
    },
    deleteSaved: async (id) => {
      await channel.sendRequest('deleteSaved', { id });
    },
    onDraftChange: (draft) => host.remember({ draft }),
    layerSend: (form) => channel.sendRequest('layerSend', form),
  });

  const server = new ServerPanel({
    selectPeer: async (peer, followNewest) => {
      await channel.sendRequest('selectPeer', followNewest === undefined ? { peer } : { peer, followNewest });
    },
    setAutoReplies: (rules) => channel.sendRequest('setAutoReplies', { rules }),
    onChange: () => updateComposer(),
    reportError: (message) => toolbar.setState(shownState, { message }),
  });
  composer.addOption(server.broadcastOption);
  const hold = new HoldPanel({
    setHold: async (toServer, toClient) => {
      await channel.sendRequest('setHold', { toServer, toClient });
    },
    getHeld: (id) => channel.sendRequest('getHeld', { id }),
    release: (id, replacement, edited) =>
      channel.sendRequest('releaseHeld', { id, ...(replacement ? { replacement } : {}), ...(edited !== undefined ? { edited } : {}) }).then((r) => r.bytes),
    drop: async (id) => {
      await channel.sendRequest('dropHeld', { id });
    },
    all: async (action) => {
      await channel.sendRequest('heldAll', { action });
    },
    edit: (message) => {
      composer.restoreDraft(message);
      composer.showRaw();
    },
    onChange: () => updateComposer(),
    reportError: (message) => toolbar.setState(shownState, { message }),
  });
  composer.addOption(hold.sendTo);
  composer.addOption(encodeOption.element);

  /** What the toolbar and the composer offer for the log shown (a connection, a server, a peer). */
  function updateComposer(): void {
    toolbar.setMode(server.mode);
    const kind = details.connectionKind;
    composer.setConnection(kind, server.canSend(shownState), kind === 'ws' && server.mode !== 'server');
    composer.setSendLabel(hold.editing !== undefined ? t('Forward edited') : t('Send'));
    encodeOption.setDirection(hold.active && !server.broadcast && hold.injectTo === 'toClient' ? 'in' : 'out');
    logView.setProxy(hold.active);
    detail.proxy = hold.active;
  }

  function updateChrome(): void {
    chromeFrame = 0;
    const filter = store.filter;
    filterBar.setCounts(store.totalCount, filter.active ? store.matches.length : undefined, filter.active && !filter.done);
    toolbar.setStats(store.stats);
    announcer.entries(store.stats.nextSeq, logView.isFollowing);
  }

  function applyFilter(spec: FilterSpec | null): void {
    const generation = ++filterGeneration;
    host.remember({ filter: spec ?? { text: '', directions: [], kinds: [] } });
    filterBar.setError(undefined);
    store.startFilter(generation, spec !== null);
    channel.sendRequest('setFilter', { generation, filter: spec }).catch((e: unknown) => {
      if (generation !== filterGeneration) return;
      filterBar.setError(toErrorInfo(e).message);
      store.startFilter(generation, false);
    });
    const selected = logView.selectedSeq;
    if (selected !== undefined) logView.select(selected);
  }

  let settingsApplied = false;
  /** The framing of the last snapshot (JSON), undefined before the first. */
  let shownFraming: string | undefined;
  function applySnapshot(s: PanelSnapshot): void {
    // Settings set the starting point of a new page; what the user changed since is remembered instead.
    if (s.settings && host.fresh && !settingsApplied) {
      settingsApplied = true;
      // Text to a TCP server is mostly line-based commands: \r\n means CR LF unless the user says otherwise.
      const escapes = s.connectionKind === 'tcp' ? (s.settings.tcpEscapes ?? true) : host.saved.draft.escapes;
      if (host.saved.draft.input === '') composer.restoreDraft({ ...host.saved.draft, format: s.settings.defaultFormat, escapes });
      if (!s.settings.autoscroll) {
        logView.setPaused(true);
        toolbar.setFollowing(false);
        host.remember({ follow: false });
      }
    }
    details = {
      connectionKind: s.connectionKind,
      target: s.target,
      ...(s.handshake ? { handshake: s.handshake } : {}),
      ...(s.tls ? { tls: s.tls } : {}),
      ...(s.protocol ? { protocol: s.protocol } : {}),
      ...(s.extensions ? { extensions: s.extensions } : {}),
    };
    // Another peer's log has other seqs: what was selected in the previous one means nothing here.
    if (s.peers && server.selected !== undefined && s.peers.selected !== server.selected) host.remember({ selectedSeq: null });
    shownState = s.state;
    server.update(s.peers);
    server.setAutoReplies(s.autoReplies);
    filterBar.showAutoReplies(!!s.peers?.autoReplies || !!s.autoReplyMarks);
    hold.update(s.proxy);
    toolbar.setTarget(s.target);
    toolbar.setSession(s.session);
    toolbar.setPeerHalfClosed(s.halfClosed === 'peer');
    toolbar.setState(s.state, s.error);
    announcer.connection(s.state, s.error);
    updateComposer();
    composer.setAutoPong(s.autoPong ?? true);
    composer.setLists(s.history, s.saved);
    framing.setConnection(s.connectionKind);
    framing.setFraming(s.framing);
    composer.setFraming(FramingControl.label(s.framing));
    detail.setConnection(details);
    store.reset(s.stats);
    resetSummaries(false);
    applyTiming(s.stats);
    const filter = filterBar.spec();
    applyFilter(isActive(filter) ? filter : null);
    // Seqs of the framed view and of the raw log are different entries: a new view starts unselected.
    const framingKey = JSON.stringify(s.framing ?? null);
    const sameView = shownFraming === undefined || shownFraming === framingKey;
    shownFraming = framingKey;
    const selected = host.saved.selectedSeq;
    if (sameView && selected !== null && selected >= s.stats.firstSeq && selected < s.stats.nextSeq) logView.select(selected, !host.saved.follow);
    else logView.select(undefined);
    if (s.reveal !== undefined) reveal(s.reveal);
  }

  /** Selects the entry the host points at (a failed test's message); following stops so it stays in view. */
  function reveal(seq: number): void {
    logView.setPaused(true);
    toolbar.setFollowing(false);
    host.remember({ follow: false });
    logView.select(seq);
  }

  // Layout: toolbar, filter bar, log beside (or above) the detail pane, composer at the bottom.
  const split = createMainSplit(root, logView.element, detail.element);
  root.append(toolbar.element, server.element, hold.element, filterBar.element, split, composer.element, announcer.element);

  // Restore what the user had before the page was recreated.
  const saved = host.saved;
  filterBar.restore(saved.filter);
  composer.restoreDraft(saved.draft);
  detail.selectTab(saved.tab);
  if (!saved.follow) {
    logView.setPaused(true);
    toolbar.setFollowing(false);
  }

  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      filterBar.focus();
    }
  });
  // Keyboard and screen readers: F6 between regions, labels on the inner controls of web components.
  attachRegionCycling(document, () => [
    { element: toolbar.element, focus: () => focusFirstControl(toolbar.element) },
    { element: filterBar.element, focus: () => filterBar.focus() },
    { element: logView.element, focus: () => logView.focus() },
    { element: detail.element, focus: () => detail.focus() },
    { element: composer.element, focus: () => composer.focus() },
  ]);
  forwardControlLabels([toolbar.element, server.element, hold.element, filterBar.element, detail.element, composer.element]);
  trackFocusModality(document);
  window.addEventListener('error', (e) => reportError(`${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener('unhandledrejection', (e) => reportError(t('Unhandled rejection: {0}', toErrorInfo(e.reason).message)));
  window.addEventListener('message', (e: MessageEvent) => channel.handleMessage(e.data));

  channel.sendRequest('ready', {}).then(applySnapshot, (e: unknown) => {
    toolbar.setState('error', toErrorInfo(e));
    reportError(t('ready failed: {0}', toErrorInfo(e).message));
  });
}

start();
