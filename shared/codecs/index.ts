// The codecs shared by the host and the webview: pure functions over Uint8Array and strings.
export * from './base64';
export * from './composerInput';
export * from './hexDump';
export * from './hexInput';
export * from './inputError';
export * from './jsonFormat';
export * from './jsonSyntax';
export * from './textEscapes';
export * from './utf8Decode';
