// `socket-inspector`, the command-line entry (dist/cli.js, package.json's bin): runs the tests of session
// files headless, in CI, with the engine and step code the extension uses. Plain Node: no VS Code.
import { parseArgs, USAGE, UsageError } from './cliArgs';
import { runTestCommand } from './testCommand';

declare const SOCKET_INSPECTOR_VERSION: string | undefined;

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`socket-inspector: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.command === 'version') {
    process.stdout.write(`${typeof SOCKET_INSPECTOR_VERSION === 'string' ? SOCKET_INSPECTOR_VERSION : 'development'}\n`);
    return 0;
  }
  return runTestCommand(command, {
    cwd: process.cwd(),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Set, not exit(): stdout is flushed first, even into a pipe.
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`socket-inspector: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
