#!/usr/bin/env bash
# Lays out a new lib or app with the workspace's standard files: scripts/scaffold-project.sh lib|app NAME "tag1","tag2"
set -euo pipefail
kind=$1 name=$2 tags=$3
root="${kind}s/$name"
mkdir -p "$root/src"
if [ "$kind" = lib ]; then
  build='{ "executor": "nx:run-commands", "options": { "command": "tsc -p {projectRoot}/tsconfig.lib.json --noEmit" } }'
  cfg=tsconfig.lib.json
else
  build='{ "executor": "nx:run-commands", "outputs": ["{workspaceRoot}/dist/{projectRoot}"], "options": { "command": "node scripts/build-app.js '"$name"'" } }'
  cfg=tsconfig.app.json
fi
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "$( [ "$kind" = lib ] && echo library || echo application )",
  "tags": [$tags],
  "targets": {
    "build": $build,
    "test": {
      "executor": "@nx/jest:jest",
      "outputs": ["{workspaceRoot}/coverage/{projectRoot}"],
      "options": { "jestConfig": "{projectRoot}/jest.config.js", "passWithNoTests": false }
    },
    "lint": { "executor": "@nx/eslint:lint" }
  }
}
JSON
cat > "$root/jest.config.js" <<JS
module.exports = {
  displayName: '$name',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
JS
cat > "$root/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "files": [],
  "include": [],
  "references": [{ "path": "./$cfg" }, { "path": "./tsconfig.spec.json" }]
}
JSON
cat > "$root/$cfg" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "outDir": "../../dist/$root", "types": ["node"] },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/*.e2e.spec.ts"]
}
JSON
cat > "$root/tsconfig.spec.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "outDir": "../../dist/out-tsc", "types": ["jest", "node"] },
  "include": ["src/**/*.spec.ts", "src/**/*.ts", "e2e/**/*.ts"]
}
JSON
[ -f "$root/src/index.ts" ] || [ "$kind" = app ] || echo "export {};" > "$root/src/index.ts"
