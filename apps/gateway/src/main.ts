import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { coordinationConfig, coordinationSchema } from '@spate/broker';
import { readConfig, runMain } from '@spate/config';
import { edgeSchema, GatewayModule, gatewaySchema } from '@spate/edge';

/** The stateless AWS endpoint of the split deployment. */
runMain(async () => {
  const config = readConfig({ ...edgeSchema, ...gatewaySchema, ...coordinationSchema });
  const coordination = coordinationConfig(config, '.', 'the gateway');
  const app = await NestFactory.createApplicationContext(GatewayModule.forRoot({ edge: config, routeTimeoutMs: config.routeTimeoutMs, coordination }), {
    logger: new ConsoleLogger({ json: true }),
  });
  app.enableShutdownHooks();
});
