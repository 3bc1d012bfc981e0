import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { brokerGrpcOptions, brokerListenSchema, brokerStorageSchema, coordinationConfig, coordinationSchema, ShardBrokerServerModule } from '@spate/broker';
import { readConfig, runMain } from '@spate/config';

/** A shard broker: shard logs served over gRPC. */
runMain(async () => {
  const config = readConfig({ ...brokerStorageSchema, ...brokerListenSchema, ...coordinationSchema });
  const coordination = coordinationConfig(config, config.dataDir, 'a shard broker');
  const app = await NestFactory.createMicroservice(ShardBrokerServerModule.forRoot({ storage: config, listen: config, coordination }), {
    ...brokerGrpcOptions(`${config.grpcHost}:${config.grpcPort}`),
    logger: new ConsoleLogger({ json: true }),
  });
  app.enableShutdownHooks();
  await app.listen();
});
