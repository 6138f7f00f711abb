// Loading the user's .proto files at run time with protobufjs's parser. Imports are resolved relative to
// the importing file, then in each include directory (the workspace folder), like protoc's -I; the
// well-known types (google/protobuf/timestamp.proto, …) come from protobufjs's bundled copies. Files are
// read through the caller's readFile, so the extension host reads the workspace file system and the
// command line plain fs. Every error names the file and line and what is wrong.
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { SocketInspectorError } from '../../../../shared/errors';

/** Reads one file as text; rejects when it does not exist. */
export type ProtoFileReader = (file: string) => Promise<string>;

export interface LoadProtoOptions {
  readonly readFile: ProtoFileReader;
  /** Directories imports are also looked for in, in order (the workspace folder). */
  readonly includeDirs?: readonly string[];
}

/** The loaded schemas: what goes in CodecContext.protoSchemas. */
export class ProtoSchemas {
  /** @internal */
  constructor(
    readonly root: protobuf.Root,
    /** Every file read, absolute, in the order read. */
    readonly files: readonly string[],
  ) {}

  /** The message type of that fully qualified name (`chat.v1.Message`, a leading dot allowed). */
  messageType(name: string): protobuf.Type | undefined {
    try {
      const found = this.root.lookup(name.startsWith('.') ? name : `.${name}`);
      return found instanceof protobuf.Type ? found : undefined;
    } catch {
      return undefined;
    }
  }

  /** Fully qualified names of every message type, sorted (map entry types left out), for a picker. */
  get messageTypes(): readonly string[] {
    return allTypes(this.root).map((t) => t.fullName.slice(1)).sort();
  }
}

/** Every message type under a namespace, nested ones included. */
function allTypes(ns: protobuf.NamespaceBase, into: protobuf.Type[] = []): protobuf.Type[] {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) into.push(child);
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) allTypes(child, into);
  }
  return into;
}

/** What loadProtoSchemas gives: the schema set and its message types for a picker. */
export interface LoadedProtoSchemas {
  readonly schemas: ProtoSchemas;
  readonly messageTypes: readonly string[];
}

function schemaError(message: string, cause?: unknown): SocketInspectorError {
  return new SocketInspectorError('BAD_SCHEMA', message, {}, { cause });
}

/** The 1-based line of the first match of `pattern` in `source`, or undefined. */
function lineOf(source: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(source);
  return m ? source.slice(0, m.index).split('\n').length : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether protobufjs bundles this import (google/protobuf/any.proto, …). */
function bundledImport(name: string): boolean {
  return name.startsWith('google/protobuf/') && Object.prototype.hasOwnProperty.call(protobuf.common, name);
}

/**
 * Parses the .proto files and every file they import. Rejects with a BAD_SCHEMA SocketInspectorError
 * that names the file, the line and what is wrong (for a missing import: every path looked at).
 */
export async function loadProtoSchemas(files: readonly string[], options: LoadProtoOptions): Promise<LoadedProtoSchemas> {
  const includeDirs = (options.includeDirs ?? []).map((d) => path.resolve(d));
  const root = new protobuf.Root();
  const sources = new Map<string, string>();
  const bundled = new Set<string>();
  const read: string[] = [];

  const readOrFail = async (file: string, where: string): Promise<string> => {
    try {
      return await options.readFile(file);
    } catch (e) {
      throw schemaError(`${where}cannot read ${file}: ${(e as Error).message ?? String(e)}`, e);
    }
  };

  const loadFile = async (file: string, source: string): Promise<void> => {
    sources.set(file, source);
    read.push(file);
    let parsed: protobuf.IParserResult;
    try {
      // protobufjs marks what it parses with this name (field.filename), which resolve errors use.
      (protobuf.parse as unknown as { filename: string | null }).filename = file;
      parsed = protobuf.parse(source, root, { keepCase: true });
    } catch (e) {
      throw schemaError(describeParseError(file, (e as Error).message), e);
    }
    for (const name of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      const line = lineOf(source, new RegExp(`\\bimport\\b[^;]*["']${escapeRegExp(name)}["']`)) ?? 1;
      if (bundledImport(name)) {
        if (!bundled.has(name)) {
          bundled.add(name);
          root.addJSON((protobuf.common as unknown as Record<string, { nested: Record<string, protobuf.AnyNestedObject> }>)[name]!.nested);
        }
        continue;
      }
      // Relative to the importing file first, then each include directory, as protoc's -I.
      const candidates = [...new Set([path.resolve(path.dirname(file), name), ...includeDirs.map((d) => path.resolve(d, name))])];
      const loaded = candidates.find((c) => sources.has(c));
      if (loaded !== undefined) continue;
      let found: [string, string] | undefined;
      for (const candidate of candidates) {
        try {
          found = [candidate, await options.readFile(candidate)];
          break;
        } catch {
          // not there; try the next directory
        }
      }
      if (found === undefined) {
        throw schemaError(`${file}:${line}: import "${name}" was not found; looked for ${candidates.join(', ')}`);
      }
      await loadFile(...found);
    }
  };

  for (const given of files) {
    const file = path.resolve(given);
    if (!sources.has(file)) await loadFile(file, await readOrFail(file, ''));
  }
  try {
    root.resolveAll();
  } catch (e) {
    throw schemaError(describeResolveError(root, sources, (e as Error).message), e);
  }
  const schemas = new ProtoSchemas(root, read);
  return { schemas, messageTypes: schemas.messageTypes };
}

/** protobufjs says `illegal token '}', ';' expected (line 4)`; we say `file.proto:4: illegal token …`. */
function describeParseError(file: string, message: string): string {
  const m = /^(.*?)\s*\((?:.*, )?line (\d+)\)$/.exec(message);
  if (m) return `${file}:${m[2]}: ${m[1]}`;
  // Duplicate names and the like carry no line.
  return `${file}: ${message}`;
}

/** Finds the field whose type does not resolve and names its file and line. */
function describeResolveError(root: protobuf.Root, sources: ReadonlyMap<string, string>, message: string): string {
  for (const type of allTypes(root)) {
    for (const field of type.fieldsArray) {
      try {
        field.resolve();
      } catch (e) {
        const file = field.filename ?? type.filename ?? '';
        const source = sources.get(file) ?? '';
        const line = lineOf(source, new RegExp(`\\b${escapeRegExp(field.name)}\\s*=\\s*${field.id}\\b`));
        return `${file}${line ? `:${line}` : ''}: field ${type.fullName.slice(1)}.${field.name}: ${(e as Error).message}`;
      }
    }
  }
  return message;
}
