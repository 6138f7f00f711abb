// Timing of log entries: request/response pairing, round-trip statistics, time since the previous entry.
export { AckRequests, MAX_PENDING_ACKS, type AckKey, type AckKeyReader } from './ackPairing';
export { entryTiming, type MonoTimes } from './entryTiming';
export { parseFieldPath, readField, type ParsedPath, type PathSegment } from './jsonFieldPath';
export { MAX_PAIRING_BYTES, displayKey, pairKeys } from './pairKeys';
export { MAX_PAIRS, PairStore, type PairRecord } from './pairStore';
export { RttStats } from './rttStats';
export { MAX_PENDING_JSON, MAX_PENDING_PINGS, TimingTracker, type TimingLimits, type TimingLog } from './timingTracker';
