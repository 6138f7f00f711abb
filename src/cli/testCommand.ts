// `socket-inspector test`: finds the session files, runs each test on its own connection (the same
// runner the extension uses), prints a line per test and a summary, writes JUnit XML and recorded
// failures. Resolves with the exit code: 0 all passed, 1 some failed, 2 usage or file errors.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PatternRunner } from '../core/patterns/patternRunner';
import { SESSION_FILE_SUFFIX } from '../core/session/sessionFormat';
import { serializeSession } from '../core/session/sessionSerialize';
import {
  ENV_FILE_SUFFIX,
  failureText,
  junitXml,
  parseEnvironmentFile,
  parseTestSession,
  pickEnvironment,
  recordedRunFileName,
  recordedRunSession,
  runTest,
  secretEnvName,
  type Environments,
  type SuiteResults,
  type TestResult,
} from '../core/testing';
import type { TestCommand } from './cliArgs';
import { expandGlob } from './fileGlob';

/** Where the command writes, and what it reads the environment from (tests pass their own). */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** A path as printed: relative to the current folder when inside it, else absolute. */
function shown(cwd: string, path: string): string {
  const r = relative(cwd, path);
  return r === '' || r.startsWith('..') || isAbsolute(r) ? path : r;
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? '' : `    ${l}`))
    .join('\n');
}

/** The environment files that apply to a session file: in `cwd` and each folder from there down to the file's. */
function envFilesFor(sessionFile: string, cwd: string): string[] {
  const folders: string[] = [];
  for (let dir = dirname(resolve(cwd, sessionFile)); ; dir = dirname(dir)) {
    folders.unshift(dir);
    if (dir === cwd || dir === dirname(dir) || !dir.startsWith(cwd)) break;
  }
  if (!folders.includes(cwd)) folders.unshift(cwd);
  return folders.flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(ENV_FILE_SUFFIX))
        .sort()
        .map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
}

/** Runs the command; resolves with the exit code. */
export async function runTestCommand(args: TestCommand, io: CliIo): Promise<number> {
  const files = [...new Set(args.patterns.flatMap((p) => expandGlob(p, io.cwd, SESSION_FILE_SUFFIX)))];
  if (files.length === 0) {
    io.err(`No session files match ${args.patterns.map((p) => `"${p}"`).join(', ')} (in ${io.cwd})`);
    return 2;
  }
  const envCache = new Map<string, Environments>();
  const readEnvFile = (path: string): Environments => {
    let envs = envCache.get(path);
    if (!envs) {
      try {
        envs = parseEnvironmentFile(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new Error(`${shown(io.cwd, path)}: ${(e as Error).message}`);
      }
      envCache.set(path, envs);
    }
    return envs;
  };
  for (const f of args.envFiles) {
    if (!existsSync(resolve(io.cwd, f))) {
      io.err(`--env-file ${f}: no such file`);
      return 2;
    }
  }

  const suites: SuiteResults[] = [];
  let fileErrors = 0;
  const patterns = new PatternRunner();
  const started = performance.now();
  try {
    for (const file of files) {
      const path = resolve(io.cwd, file);
      let loaded;
      let environment: Record<string, string> | undefined;
      try {
        loaded = parseTestSession(readFileSync(path, 'utf8'));
        if (args.env !== undefined) {
          const envPaths = args.envFiles.length > 0 ? args.envFiles.map((f) => resolve(io.cwd, f)) : envFilesFor(file, io.cwd);
          environment = pickEnvironment(envPaths.map((p) => ({ path: p, environments: readEnvFile(p) })), args.env);
        }
      } catch (e) {
        fileErrors++;
        const message = (e as Error).message;
        io.err(`✗ ${file}: ${message}`);
        suites.push({ name: file, tests: [], error: message });
        continue;
      }
      for (const w of loaded.warnings) io.err(`! ${file}: ${w.message}`);
      const tests = loaded.tests.filter((t) => args.grep === undefined || t.name.includes(args.grep));
      if (loaded.tests.length === 0) io.out(`- ${file}: no tests`);
      const results: TestResult[] = [];
      for (const test of tests) {
        const result = await runTest(loaded.session, test, {
          variables: {
            ...(environment ? { environment } : {}),
            env: io.env,
            secret: (id) => io.env[secretEnvName(id)],
          },
          env: io.env,
          baseDir: dirname(path),
          locate: loaded.locate,
          patterns,
          ...(args.recordFailures !== undefined ? { record: 'failures' as const } : {}),
        });
        results.push(result);
        if (result.status === 'passed') io.out(`✓ ${file} › ${test.name} (${ms(result.durationMs)})`);
        else {
          io.out(`✗ ${file} › ${test.name} (${ms(result.durationMs)})`);
          io.out(indent(failureText(result.failure!)));
        }
        if (result.log && args.recordFailures !== undefined) {
          const dir = resolve(io.cwd, args.recordFailures);
          mkdirSync(dir, { recursive: true });
          const out = join(dir, recordedRunFileName(file, test.name));
          writeFileSync(out, serializeSession(recordedRunSession(loaded.session, test, result.log)));
          io.out(`    recorded run: ${shown(io.cwd, out)}`);
        }
      }
      suites.push({ name: file, tests: results });
    }
  } finally {
    patterns.dispose();
  }

  const all = suites.flatMap((s) => s.tests);
  const failed = all.filter((t) => t.status === 'failed').length;
  const passed = all.length - failed;
  const parts = [`${passed} passed`, ...(failed ? [`${failed} failed`] : []), `${all.length} total`];
  const fileNote = fileErrors ? `, ${fileErrors} file${fileErrors === 1 ? '' : 's'} not loaded` : '';
  io.out('');
  io.out(`Tests: ${parts.join(', ')} (${files.length} file${files.length === 1 ? '' : 's'}${fileNote}) in ${ms(performance.now() - started)}`);
  if (args.junit !== undefined) {
    const out = resolve(io.cwd, args.junit);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, junitXml(suites));
    io.out(`JUnit XML: ${shown(io.cwd, out)}`);
  }
  return fileErrors > 0 ? 2 : failed > 0 ? 1 : 0;
}
