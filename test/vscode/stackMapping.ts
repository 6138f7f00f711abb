// Maps stack frames of the esbuild bundles back to the .ts sources. VS Code's extension host installs its
// own Error.prepareStackTrace, so Node's --enable-source-maps never applies there; the bundles carry inline
// source maps, which we read ourselves with node:module's SourceMap.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const FRAME_LOCATION = /(\/[^\s()]+\.js):(\d+):(\d+)/;

const maps = new Map<string, SourceMap | undefined>();

function inlineMap(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      const match = INLINE_MAP.exec(readFileSync(file, 'utf8'));
      if (match?.[1]) map = new SourceMap(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')));
    } catch {
      // Unreadable file or malformed map: leave the frame as it is.
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** The frame line with a bundle location replaced by its source location, or undefined for harness frames. */
function mapFrame(line: string): string | undefined {
  if (/extensionHostProcess\.js|node:internal\//.test(line)) return undefined;
  const match = FRAME_LOCATION.exec(line);
  if (!match?.[1]) return line;
  const file = match[1];
  const entry = inlineMap(file)?.findEntry(Number(match[2]) - 1, Number(match[3]) - 1);
  if (!entry || !('originalSource' in entry)) return line;
  const source = resolve(dirname(file), entry.originalSource);
  // Frames inside mocha or our runner are plumbing, not the test's own code.
  if (/[/\\]node_modules[/\\]mocha[/\\]/.test(source)) return undefined;
  if (/[/\\]test[/\\]vscode[/\\](runSuite|jsonLinesReporter|stackMapping|runner-extension[/\\]runner)\.ts$/.test(source)) return undefined;
  return line.replace(match[0], `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

/** Rewrites a stack so frames in source-mapped bundles point at the original .ts lines. */
export function mapStack(stack: string): string {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  if (firstFrame < 0) return stack;
  const frames = lines.slice(firstFrame).map(mapFrame).filter((line): line is string => line !== undefined);
  return [...lines.slice(0, firstFrame), ...frames].join('\n');
}
