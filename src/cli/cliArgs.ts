// The command line of `socket-inspector`: what the user asked for, or a usage error (exit code 2).

/** The usage text `--help` prints. */
export const USAGE = `Usage: socket-inspector test <files or globs…> [options]

Runs the tests of Socket Inspector session files (*.socket-session.json) against their servers.

Options:
  --env NAME              variables of environment NAME from the *.socket-env.json files found
                          in the current folder and the session file's folders (or --env-file)
  --env-file FILE         read environments from FILE only (repeatable)
  --junit FILE            write the results as JUnit XML
  --record-failures DIR   write the recorded log of each failing test as a session file in DIR
  --grep TEXT             run only the tests whose name contains TEXT
  -h, --help              show this help
  --version               print the version

Secrets: \${secret:ID} is read from the environment variable SOCKET_INSPECTOR_SECRET_<ID>
(ID upper-cased, - as _). Nothing secret is printed or written.

Exit codes: 0 all tests passed, 1 some failed, 2 usage or file errors.`;

export interface TestCommand {
  readonly command: 'test';
  readonly patterns: readonly string[];
  readonly env?: string;
  readonly envFiles: readonly string[];
  readonly junit?: string;
  readonly recordFailures?: string;
  readonly grep?: string;
}

export type CliCommand = TestCommand | { readonly command: 'help' } | { readonly command: 'version' };

/** A mistake on the command line. */
export class UsageError extends Error {}

/** Reads argv (without node and the script). Throws UsageError. */
export function parseArgs(argv: readonly string[]): CliCommand {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) return { command: 'help' };
  if (argv.includes('--version')) return { command: 'version' };
  const [command, ...rest] = argv;
  if (command !== 'test') throw new UsageError(`Unknown command "${command}"; the command is "test" (socket-inspector test 'tests/**/*.socket-session.json')`);
  const patterns: string[] = [];
  const envFiles: string[] = [];
  const options: { env?: string; junit?: string; recordFailures?: string; grep?: string } = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--env':
        options.env = value();
        break;
      case '--env-file':
        envFiles.push(value());
        break;
      case '--junit':
        options.junit = value();
        break;
      case '--record-failures':
        options.recordFailures = value();
        break;
      case '--grep':
        options.grep = value();
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`Unknown option ${name}`);
        patterns.push(arg);
    }
  }
  if (patterns.length === 0) throw new UsageError('Name the session files to test, e.g. socket-inspector test "tests/**/*.socket-session.json"');
  return { command: 'test', patterns, envFiles, ...options };
}
