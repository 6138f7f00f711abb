// The MessagePack and CBOR oracle: test/support/python/codecOracle.py run with Debian's python3-msgpack
// and python3-cbor2 (msgpack.packb/unpackb, cbor2.dumps/loads). One process per call, JSON both ways.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'python', 'codecOracle.py');

export type OracleFormat = 'msgpack' | 'cbor';

/** A value made and encoded in Python, with the value written in the extended notation by Python. */
export interface OracleSample {
  readonly format: OracleFormat;
  readonly name: string;
  readonly hex: string;
  readonly notation: string;
}

/** Python's verdict on bytes we made: what it decoded, and what it reads the notation as. */
export interface OracleCheck {
  readonly ok: boolean;
  readonly got?: unknown;
  readonly expected?: unknown;
  readonly error?: string;
}

let missing: string | undefined | null = null;

/** Why the oracle cannot run, or undefined when it can. */
export function codecOracleMissing(): string | undefined {
  if (missing === null) {
    const r = spawnSync(PYTHON, ['-c', 'import msgpack, cbor2'], { encoding: 'utf8', timeout: 20_000 });
    missing = r.error
      ? `${PYTHON} cannot be run (${r.error.message})`
      : r.status === 0
        ? undefined
        : `${PYTHON} cannot import msgpack and cbor2 (${r.stderr.trim().split('\n').pop()}); install them with apt-get install python3-msgpack python3-cbor2`;
  }
  return missing;
}

function run<T>(mode: string, input: unknown): T {
  const r = spawnSync(PYTHON, [SCRIPT, mode], {
    input: JSON.stringify(input ?? null),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`codecOracle.py ${mode} exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as T;
}

/** Values Python made, with their bytes and notation. */
export function oracleSamples(): OracleSample[] {
  return run('samples', null);
}

/** Has Python decode each hex and compare it with its own reading of the notation. */
export function oracleCheck(cases: readonly { format: OracleFormat; hex: string; notation: string }[]): OracleCheck[] {
  return run('check', cases);
}

/** Whether Python's library refuses each input. */
export function oracleRejects(cases: readonly { format: OracleFormat; hex: string }[]): boolean[] {
  return run('reject', cases);
}

/** A MessagePack message of about `bytes` bytes made by msgpack.packb: a list of chat-like maps. */
export function oracleBigMsgpack(bytes: number): string {
  return run<{ hex: string }>('big', { bytes }).hex;
}
