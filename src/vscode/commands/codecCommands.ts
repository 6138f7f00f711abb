// Choose Payload Codec…: which codec decodes the payloads of the active inspector's connection
// (MessagePack, CBOR, Protobuf with the workspace's .proto files and a message type, or none), for all
// messages, one direction, one Socket.IO event or one MQTT topic filter. The new rule goes first (the
// first matching rule wins) and replaces a rule of the same scope. Options (for keybindings and tests):
// { id, codec: 'msgpack' | 'cbor' | 'protobuf' | 'none', direction, event, topic, messageType, protoFiles }.
import * as vscode from 'vscode';
import { CODEC_IDS, type CodecId } from '../../../shared/decode/decoded';
import type { CodecRule, DecodeSettings } from '../../../shared/decode/decodeSettings';
import { codecRuleProblem, topicFilterSyntaxProblem } from '../../../shared/decode/decodeSettingsCheck';
import type { PanelManager } from '../panels/panelManager';
import { findProtoFiles, workspaceRelative } from '../protoFiles';

type Picker = (arg: unknown, title: string, options?: { liveOnly?: boolean }) => Promise<string | undefined>;

interface CodecArgs {
  id?: string;
  codec?: CodecId | 'none';
  direction?: 'in' | 'out';
  event?: string;
  topic?: string;
  messageType?: string;
  protoFiles?: string[];
}

/** The rule's scope (everything but codec and type): rules of the same scope replace each other. */
function sameScope(a: CodecRule, b: CodecRule): boolean {
  return a.direction === b.direction && a.event === b.event && a.topic === b.topic;
}

/** The settings with `rule` first, instead of any rule of the same scope (`codec` none: that scope's rule removed). */
export function withRule(settings: DecodeSettings, rule: CodecRule | undefined, scope: CodecRule): DecodeSettings {
  const others = (settings.codecs ?? []).filter((r) => !sameScope(r, scope));
  return { ...settings, codecs: rule ? [rule, ...others] : others };
}

async function pickCodec(): Promise<CodecId | 'none' | undefined> {
  const labels: Record<CodecId, string> = { msgpack: 'MessagePack', cbor: 'CBOR', protobuf: 'Protobuf' };
  const picked = await vscode.window.showQuickPick(
    [
      ...CODEC_IDS.map((codec) => ({ label: labels[codec], codec })),
      { label: vscode.l10n.t('None (show payloads as bytes, text or JSON)'), codec: 'none' as const },
    ],
    { title: vscode.l10n.t('Decode payloads with which codec?') },
  );
  return picked?.codec;
}

/** Which messages the rule applies to; undefined when cancelled. */
async function pickScope(): Promise<Omit<CodecRule, 'codec'> | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('All messages'), scope: 'all' as const },
      { label: vscode.l10n.t('Received messages only'), scope: 'in' as const },
      { label: vscode.l10n.t('Sent messages only'), scope: 'out' as const },
      { label: vscode.l10n.t('One Socket.IO event…'), scope: 'event' as const },
      { label: vscode.l10n.t('One MQTT topic filter…'), scope: 'topic' as const },
    ],
    { title: vscode.l10n.t('Decode which payloads?') },
  );
  if (!picked) return undefined;
  if (picked.scope === 'all') return {};
  if (picked.scope === 'in' || picked.scope === 'out') return { direction: picked.scope };
  if (picked.scope === 'event') {
    const event = await vscode.window.showInputBox({ title: vscode.l10n.t('Socket.IO event name'), placeHolder: 'chat', validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Give the event name.') : undefined) });
    return event === undefined ? undefined : { event: event.trim() };
  }
  const topic = await vscode.window.showInputBox({
    title: vscode.l10n.t('MQTT topic filter (+ one level, # the rest)'),
    placeHolder: 'sensors/+/temperature',
    validateInput: (v) => {
      const problem = topicFilterSyntaxProblem(v.trim());
      return problem ? vscode.l10n.t('The topic filter {0}.', problem) : undefined;
    },
  });
  return topic === undefined ? undefined : { topic: topic.trim() };
}

/** The .proto files to use, the current ones ticked; undefined when cancelled. */
async function pickProtoFiles(current: readonly string[]): Promise<string[] | undefined> {
  const found = await findProtoFiles();
  if (found.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Socket Inspector: no .proto files in the workspace; Protobuf payloads are decoded without a schema.'));
    return [];
  }
  const items = found
    .map((uri) => workspaceRelative(uri))
    .sort()
    .map((file) => ({ label: file, picked: current.includes(file) }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Message types come from which .proto files?'), canPickMany: true });
  return picked?.map((p) => p.label);
}

/** The message type, or '' for schema-less decoding; undefined when cancelled. */
async function pickMessageType(types: readonly string[] | undefined, problem: string | undefined): Promise<string | undefined> {
  if (problem) void vscode.window.showWarningMessage(vscode.l10n.t('Socket Inspector: the .proto files did not load: {0}', problem));
  const items = [
    { label: vscode.l10n.t('No type: field numbers and wire types (like protoc --decode_raw)'), type: '' },
    ...(types ?? []).map((type) => ({ label: type, type })),
  ];
  if (!types) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Message type (fully qualified, e.g. chat.v1.Message); empty decodes without a type'),
      validateInput: (v) => (v.trim() === '' ? undefined : codecRuleProblem({ codec: 'protobuf', messageType: v.trim() }, 'messageType')),
    });
    return typed?.trim();
  }
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Decode as which message type?') });
  return picked?.type;
}

export function registerCodecCommands(context: vscode.ExtensionContext, panels: PanelManager, pick: Picker): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('socketInspector.choosePayloadCodec', async (arg?: unknown) => {
      const args: CodecArgs = typeof arg === 'object' && arg !== null ? (arg as CodecArgs) : {};
      const id = await pick(args.id ?? (typeof arg === 'string' ? arg : undefined), vscode.l10n.t('Choose the payload codec of which connection?'), { liveOnly: false });
      const entry = id ? panels.entry(id) : undefined;
      if (!entry) return undefined;
      const controller = entry.panel.controller;
      const scripted = args.codec !== undefined;
      const codec = args.codec ?? (await pickCodec());
      if (!codec) return undefined;
      const scope: Omit<CodecRule, 'codec'> | undefined = scripted
        ? { ...(args.direction ? { direction: args.direction } : {}), ...(args.event ? { event: args.event } : {}), ...(args.topic ? { topic: args.topic } : {}) }
        : await pickScope();
      if (!scope) return undefined;
      let settings = controller.decodeSettings;
      let rule: CodecRule | undefined;
      if (codec !== 'none') {
        rule = { codec, ...scope };
        if (codec === 'protobuf') {
          const files = scripted ? (args.protoFiles ?? settings.protoFiles ?? []) : await pickProtoFiles(settings.protoFiles ?? []);
          if (!files) return undefined;
          // Loaded first, so the type picker lists the types they declare.
          settings = await controller.setDecodeSettings({ ...settings, protoFiles: files });
          const { messageTypes, problem } = controller.protoSchemas;
          const type = scripted ? (args.messageType ?? '') : await pickMessageType(files.length > 0 ? messageTypes : [], problem);
          if (type === undefined) return undefined;
          if (type !== '') rule = { ...rule, messageType: type };
        }
        const problem = codecRuleProblem(rule, 'codec');
        if (problem) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Socket Inspector: {0}', problem));
          return undefined;
        }
      }
      return controller.setDecodeSettings(withRule(settings, rule, { codec: 'cbor', ...scope }));
    }),
  );
}
