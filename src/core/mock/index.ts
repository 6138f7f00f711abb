// Serve as mock: a recorded client session served as a listener whose replies follow the recording.
export * from './mockScript';
export * from './mockMatcher';
export * from './mockServer';
export * from './mockSettings';
export * from './mockLoad';
