export * from './edge.config';
export * from './edge.module';
export * from './gateway.module';
export * from './spate.module';
export * from './config-docs';
