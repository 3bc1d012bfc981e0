export { LogClosedError, LogCorruptionError, LogFailedError, LogInUseError, LogSealedError } from './errors';
export type { ReadBufferSource } from './frame-cursor';
export type { EpochEndOffset, LeaderEpochEntry, LeaderEpochs } from './leader-epoch-history';
export type { LogRecord, LogRecordInput } from './log-record';
export type { ShardLogRecovery } from './log-recovery';
export { RecordView } from './record-view';
export { ShardLog } from './shard-log';
export type { FsyncPolicy, ShardLogOptions } from './shard-log-options';
