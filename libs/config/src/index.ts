export * from './config-schema';
export * from './setting-types';
export * from './run-main';
export * from './garbage-collector';
