import { brokerListenSchema, brokerStorageSchema, clusterSchema, coordinationSchema } from '@spate/broker';
import type { ConfigSchema } from '@spate/config';
import { edgeSchema, gatewaySchema } from './edge.config';

/** Every setting of every app, in the order the README documents them. */
export const allSchemas: Array<{ apps: string; schema: ConfigSchema }> = [
  { apps: 'spate, gateway', schema: edgeSchema },
  { apps: 'spate, shard-broker', schema: brokerStorageSchema },
  { apps: 'all', schema: coordinationSchema },
  { apps: 'gateway', schema: gatewaySchema },
  { apps: 'shard-broker', schema: brokerListenSchema },
  { apps: 'shard-broker', schema: clusterSchema },
];

/** The README's configuration table, rendered from the schemas so the two cannot drift apart. */
export function renderConfigTable(): string {
  const rows: string[] = [];
  for (const { apps, schema } of allSchemas) {
    for (const setting of Object.values(schema)) {
      const shown = setting.defaultText ?? `\`${typeof setting.default === 'object' ? JSON.stringify(setting.default) : String(setting.default)}\``;
      rows.push(`| \`${setting.env}\` | ${shown} | ${setting.description} (${apps}) |`);
    }
  }
  return rows.join('\n');
}
