// A structural validator for HAR 1.2, written from the specification (Jan Odvarko, "HTTP Archive 1.2",
// http://www.softwareishard.com/blog/har-12-spec/): every object's required fields with their types,
// optional fields typed when present, custom fields only with a leading underscore, and entry.time as
// the sum of the timings that are not -1. Also checks Chrome's `_webSocketMessages` shape.
// Returns the list of problems, each with its path; an empty list means valid.

type Json = Record<string, unknown>;
type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'date' | 'object|null';

interface Field {
  readonly kind: Kind;
  readonly required: boolean;
  /** Validates the value further (objects, array items). */
  readonly inner?: (value: unknown, path: string, problems: string[]) => void;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function req(kind: Kind, inner?: Field['inner']): Field {
  return { kind, required: true, ...(inner ? { inner } : {}) };
}
function opt(kind: Kind, inner?: Field['inner']): Field {
  return { kind, required: false, ...(inner ? { inner } : {}) };
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOk(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isRecord(v);
    case 'object|null':
      return v === null || isRecord(v);
    case 'array':
      return Array.isArray(v);
    case 'date':
      return typeof v === 'string' && ISO_8601.test(v) && Number.isFinite(Date.parse(v));
  }
}

type Check = NonNullable<Field['inner']>;

function object(shape: Record<string, Field>, extra?: (o: Json, path: string, problems: string[]) => void): Check {
  return (value, path, problems) => {
    if (!isRecord(value)) return;
    for (const [key, field] of Object.entries(shape)) {
      const v = value[key];
      if (v === undefined) {
        if (field.required) problems.push(`${path}.${key} is required`);
        continue;
      }
      if (!typeOk(field.kind, v)) {
        problems.push(`${path}.${key} must be ${field.kind} (found ${JSON.stringify(v)?.slice(0, 40)})`);
        continue;
      }
      field.inner?.(v, `${path}.${key}`, problems);
    }
    for (const key of Object.keys(value)) {
      if (!(key in shape) && !key.startsWith('_')) problems.push(`${path}.${key} is not a HAR field (custom fields start with "_")`);
    }
    extra?.(value, path, problems);
  };
}

function items(kind: Kind, inner?: Field['inner']): Check {
  return (value, path, problems) => {
    if (!Array.isArray(value)) return;
    value.forEach((v, i) => {
      if (!typeOk(kind, v)) problems.push(`${path}[${i}] must be ${kind}`);
      else inner?.(v, `${path}[${i}]`, problems);
    });
  };
}

const comment = opt('string');
const nameValue = object({ name: req('string'), value: req('string'), comment });
const cookie = object({
  name: req('string'),
  value: req('string'),
  path: opt('string'),
  domain: opt('string'),
  expires: opt('date'),
  httpOnly: opt('boolean'),
  secure: opt('boolean'),
  comment,
});
const creator = object({ name: req('string'), version: req('string'), comment });
const pageTimings = object({ onContentLoad: opt('number'), onLoad: opt('number'), comment });
const page = object({ startedDateTime: req('date'), id: req('string'), title: req('string'), pageTimings: req('object', pageTimings), comment });
const postData = object({
  mimeType: req('string'),
  params: opt('array', items('object', object({ name: req('string'), value: opt('string'), fileName: opt('string'), contentType: opt('string'), comment }))),
  text: opt('string'),
  comment,
});
const request = object({
  method: req('string'),
  url: req('string'),
  httpVersion: req('string'),
  cookies: req('array', items('object', cookie)),
  headers: req('array', items('object', nameValue)),
  queryString: req('array', items('object', nameValue)),
  postData: opt('object', postData),
  headersSize: req('integer'),
  bodySize: req('integer'),
  comment,
});
const content = object({
  size: req('integer'),
  compression: opt('integer'),
  mimeType: req('string'),
  text: opt('string'),
  encoding: opt('string'),
  comment,
});
const response = object({
  status: req('integer'),
  statusText: req('string'),
  httpVersion: req('string'),
  cookies: req('array', items('object', cookie)),
  headers: req('array', items('object', nameValue)),
  content: req('object', content),
  redirectURL: req('string'),
  headersSize: req('integer'),
  bodySize: req('integer'),
  comment,
});
const cacheEntry = object({ expires: opt('date'), lastAccess: req('date'), eTag: req('string'), hitCount: req('integer'), comment });
const cache = object({ beforeRequest: opt('object|null', cacheEntry), afterRequest: opt('object|null', cacheEntry), comment });
const timing = (required: boolean): Field => ({
  kind: 'number',
  required,
  inner: (v, path, problems) => {
    if ((v as number) < 0 && v !== -1) problems.push(`${path} must be ≥ 0, or -1 when it does not apply`);
  },
});
const timings = object({
  blocked: timing(false),
  dns: timing(false),
  connect: timing(false),
  send: timing(true),
  wait: timing(true),
  receive: timing(true),
  ssl: timing(false),
  comment,
});

/** One item of Chrome's `_webSocketMessages`: exactly type, time (epoch seconds), opcode and data. */
function webSocketMessage(m: Json, path: string, problems: string[]): void {
  for (const key of Object.keys(m)) if (!['type', 'time', 'opcode', 'data'].includes(key)) problems.push(`${path}.${key} is not a _webSocketMessages field`);
  if (m.type !== 'send' && m.type !== 'receive') problems.push(`${path}.type must be "send" or "receive"`);
  if (typeof m.time !== 'number' || !Number.isFinite(m.time)) problems.push(`${path}.time must be a number (seconds)`);
  if (!Number.isInteger(m.opcode)) problems.push(`${path}.opcode must be an integer`);
  if (typeof m.data !== 'string') problems.push(`${path}.data must be a string`);
}

const entry = object(
  {
    pageref: opt('string'),
    startedDateTime: req('date'),
    time: req('number'),
    request: req('object', request),
    response: req('object', response),
    cache: req('object', cache),
    timings: req('object', timings),
    serverIPAddress: opt('string'),
    connection: opt('string'),
    comment,
  },
  (e, path, problems) => {
    const t = e.timings;
    if (!isRecord(t) || typeof e.time !== 'number') return;
    // ssl is part of connect, so it is not added again.
    const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']
      .map((k) => t[k])
      .filter((v): v is number => typeof v === 'number' && v !== -1)
      .reduce((a, b) => a + b, 0);
    if (Math.abs(sum - e.time) > 0.01) problems.push(`${path}.time is ${e.time}, but its timings add up to ${sum}`);
    const messages = e._webSocketMessages;
    if (messages !== undefined) {
      if (!Array.isArray(messages)) problems.push(`${path}._webSocketMessages must be an array`);
      else messages.forEach((m, i) => (isRecord(m) ? webSocketMessage(m, `${path}._webSocketMessages[${i}]`, problems) : problems.push(`${path}._webSocketMessages[${i}] must be an object`)));
    }
  },
);

const log = object({
  version: req('string'),
  creator: req('object', creator),
  browser: opt('object', creator),
  pages: opt('array', items('object', page)),
  entries: req('array', items('object', entry)),
  comment,
});

/** The problems of a HAR 1.2 document; empty when valid. */
export function harProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(doc)) return ['the document must be an object'];
  if (!isRecord(doc.log)) return ['log is required and must be an object'];
  for (const key of Object.keys(doc)) if (key !== 'log') problems.push(`${key} is not allowed next to "log"`);
  log(doc.log, 'log', problems);
  if (doc.log.version !== '1.2') problems.push(`log.version must be "1.2" (found ${JSON.stringify(doc.log.version)})`);
  const pageIds = new Set(Array.isArray(doc.log.pages) ? doc.log.pages.map((p) => (isRecord(p) ? p.id : undefined)) : []);
  if (Array.isArray(doc.log.entries)) {
    doc.log.entries.forEach((e, i) => {
      if (isRecord(e) && e.pageref !== undefined && !pageIds.has(e.pageref)) problems.push(`log.entries[${i}].pageref names no page`);
    });
  }
  return problems;
}
