// Exports of a connection's log (pcapng, HAR, NDJSON, one message) and the HAR import.
export * from './credentialRedaction';
export * from './exportFile';
export * from './exportFormats';
export * from './exportSource';
export * from './harExport';
export * from './harImport';
export * from './messageFile';
export * from './ndjsonExport';
export * from './pcapngExport';
