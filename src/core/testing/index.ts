// Session files that test (issue 21): the steps, their variables and environment files, the runner that
// drives a connection through them, JUnit XML and recorded runs. Shared by the CLI and the extension.
export * from './environmentFile';
export * from './junitXml';
export * from './testFormat';
export * from './testLoad';
export * from './testRecording';
export * from './testRunner';
export * from './testVariables';
export * from './testFromLog';
export * from './testInsert';
