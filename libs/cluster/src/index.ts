export * from './assignment-store';
export * from './broker-membership';
export * from './cluster-controller';
export * from './placement';
export * from './shard-assignment';
