export * from './coordination-store';
export * from './create-coordination-store';
export * from './local-coordination-store';
export * from './redis-coordination-store';
