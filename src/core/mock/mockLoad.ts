// Loads the recorded session a mock serves, from its file.
import { isAbsolute, resolve } from 'node:path';
import { loadSessionFile } from '../session/sessionFileStore';
import { mockScriptFromSession, type MockScript } from './mockScript';

/** Loads the recorded session a mock serves, `file` relative to `baseDir`. Throws BAD_SESSION naming the file. */
export async function loadMockScript(file: string, baseDir?: string): Promise<MockScript> {
  const path = isAbsolute(file) || !baseDir ? file : resolve(baseDir, file);
  const { session } = await loadSessionFile(path);
  return mockScriptFromSession(session);
}
