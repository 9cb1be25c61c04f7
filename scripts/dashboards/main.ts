import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dashboardsDir, renderDashboards, topologyFilePattern } from './generate-dashboards.js';

// `npm run dashboards`: writes dashboards/*.json from code. Run from the repository root (npm
// does); the files are never edited by hand, test/unit/dashboards/generated.test.ts holds them
// equal to this output.
const root = process.cwd();
const rendered = await renderDashboards(root);
for (const [file, text] of rendered) {
  writeFileSync(path.join(root, file), text);
  console.info(`wrote ${file}`);
}
for (const name of readdirSync(path.join(root, dashboardsDir))) {
  const file = `${dashboardsDir}/${name}`;
  if (topologyFilePattern.test(name) && !rendered.has(file)) {
    rmSync(path.join(root, file));
    console.info(`removed ${file} (no such topology)`);
  }
}
