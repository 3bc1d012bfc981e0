import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/generated/**', 'bench/.work/**'] },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:storage', 'type:coordination', 'type:protocol', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:storage', 'type:coordination', 'type:protocol', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:storage', 'type:coordination', 'type:protocol', 'type:util'] },
            { sourceTag: 'type:storage', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:coordination', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:protocol', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Code every data-plane request runs. V8 (Node 20) gives each object built by adding members
    // after a spread hidden classes of its own, which no later object shares: per request that is
    // kilobytes of maps and descriptor arrays that only a full garbage collection frees.
    files: [
      'libs/aws-protocol/src/**/*.ts',
      'libs/log-store/src/**/*.ts',
      'libs/kds/src/actions/get-records.action.ts',
      'libs/kds/src/actions/put-record.action.ts',
      'libs/kds/src/actions/put-records.action.ts',
      'libs/kds/src/actions/get-shard-iterator.action.ts',
      'libs/kds/src/record-writer.ts',
      'libs/kds/src/shard-tail.ts',
      'libs/kds/src/shard-subscription.ts',
      'libs/kds/src/signed-token.ts',
      'libs/broker/src/shard-manager.ts',
      'libs/broker/src/shard-broker.controller.ts',
      'libs/broker/src/grpc-shard-data-plane.ts',
      'libs/broker/src/cluster-shard-data-plane.ts',
      'libs/broker/src/replication/**/*.ts',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement ~ Property',
          message: 'Members after a spread give every object a hidden class of its own: put them before the spread, or spell the object out.',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/e2e/**/*.ts', 'apps/platform-e2e/**/*.ts', '**/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: ['@spate/testing'], depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
