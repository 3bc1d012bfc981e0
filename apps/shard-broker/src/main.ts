import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  brokerGrpcOptions,
  brokerListenSchema,
  brokerStorageSchema,
  clusterConfig,
  clusterSchema,
  coordinationConfig,
  coordinationSchema,
  ShardBrokerServerModule,
} from '@spate/broker';
import { readConfig, runMain } from '@spate/config';

/** A shard broker: a cluster member holding shard logs, served over gRPC. */
runMain(async () => {
  const config = readConfig({ ...brokerStorageSchema, ...brokerListenSchema, ...coordinationSchema, ...clusterSchema });
  const coordination = coordinationConfig(config, config.dataDir, 'a shard broker');
  const cluster = clusterConfig(config, config, config.dataDir);
  const app = await NestFactory.createMicroservice(ShardBrokerServerModule.forRoot({ storage: config, listen: config, coordination, cluster }), {
    ...brokerGrpcOptions(`${config.grpcHost}:${config.grpcPort}`),
    logger: new ConsoleLogger({ json: true }),
  });
  app.enableShutdownHooks();
  await app.listen();
});
