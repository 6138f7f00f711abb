// The session file format: types, parsing, writing, log conversion, env and secrets, file store, replay.
export * from './sessionConnection';
export * from './sessionEnv';
export * from './sessionFileStore';
export * from './sessionFormat';
export * from './sessionLog';
export * from './sessionParse';
export * from './sessionReplay';
export * from './sessionSecrets';
export * from './sessionSerialize';
export { headerValueProblem, parseIsoTime, validateSession } from './sessionValidate';
