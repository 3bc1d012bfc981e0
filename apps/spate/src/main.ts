import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { brokerStorageSchema, coordinationConfig, coordinationSchema } from '@spate/broker';
import { readConfig, runMain } from '@spate/config';
import { edgeSchema, SpateModule } from '@spate/edge';

/** The all-in-one server: every Spate service in one process, with local files for everything. */
runMain(async () => {
  const config = readConfig({ ...edgeSchema, ...brokerStorageSchema, ...coordinationSchema });
  const coordination = coordinationConfig(config, config.dataDir);
  const app = await NestFactory.createApplicationContext(SpateModule.forRoot({ edge: config, storage: config, coordination }), {
    logger: new ConsoleLogger({ json: true }),
  });
  app.enableShutdownHooks();
});
