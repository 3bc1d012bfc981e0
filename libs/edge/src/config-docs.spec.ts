import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderConfigTable } from './config-docs';

const README = path.join(__dirname, '..', '..', '..', 'README.md');
const HEADER = '| variable | default | meaning |\n| --- | --- | --- |\n';

describe('README configuration table', () => {
  it('lists every setting of every app with its default (UPDATE_README=1 rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(HEADER);
    expect(start).toBeGreaterThan(0);
    const bodyStart = start + HEADER.length;
    const end = readme.indexOf('\n\n', bodyStart);
    const table = renderConfigTable();
    if (process.env.UPDATE_README === '1') writeFileSync(README, readme.slice(0, bodyStart) + table + readme.slice(end));
    else expect(readme.slice(bodyStart, end)).toBe(table);
  });
});
