// A PayloadCodec made of a format's decoder and encoder over items: the same tree, summary, fields,
// extended notation and error wording for MessagePack and CBOR.
import { inputError } from '../../../../shared/codecs/inputError';
import type { CodecId } from '../../../../shared/decode/decoded';
import { SocketInspectorError } from '../../../../shared/errors';
import { parseExtendedJson, toExtendedJson } from '../extendedJson';
import type { PayloadCodec } from '../payloadCodec';
import { type DataItem, type DecodeResult, EncodeProblem } from './dataItem';
import { decodedMessage, summaryOf, TREE_NODE_BUDGET } from './itemView';

export interface ItemFormat {
  readonly id: CodecId;
  /** The format's name in messages: 'MessagePack', 'CBOR'. */
  readonly name: string;
  decode(bytes: Uint8Array, budget: number): DecodeResult;
  encode(item: DataItem): Uint8Array;
}

export function itemCodec(format: ItemFormat): PayloadCodec {
  return {
    id: format.id,
    decode: (payload) => decodedMessage(format.id, format.decode(payload, TREE_NODE_BUDGET)),
    // The same budget as decode: past it a container's summary ends in "…" as its tree does.
    summarize: (payload) => summaryOf(format.decode(payload, TREE_NODE_BUDGET)),
    toEditableText(payload) {
      const { root, error } = format.decode(payload, Infinity);
      if (error || !root) {
        throw new SocketInspectorError(
          'PROTOCOL',
          `Not ${format.name}: ${error?.message ?? 'nothing decoded'} (byte offset ${error?.offset ?? 0})`,
        );
      }
      return toExtendedJson(root);
    },
    encode(text) {
      const item = parseExtendedJson(text);
      try {
        return format.encode(item);
      } catch (e) {
        if (e instanceof EncodeProblem) {
          throw inputError('INVALID_JSON', `Cannot encode as ${format.name}`, text, e.offset, e.reason);
        }
        throw e;
      }
    },
  };
}
