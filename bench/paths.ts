import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file whose package.json is streamfold's. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'streamfold'
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the streamfold repository root');
    dir = parent;
  }
})();

/** The compiled in-house contenders (`npm run bench` compiles bench/ to .bench-build/). */
export const contenderScript = (name: string): string =>
  join(repoRoot, '.bench-build', 'bench', 'contenders', `${name}.js`);

export const workerCli = join(repoRoot, 'dist', 'cli', 'main.js');

export const kafkaStreamsPeer = join(repoRoot, 'bench', 'peers', 'kafka-streams');
export const kafkaStreamsJar = join(kafkaStreamsPeer, 'target', 'kafka-streams-peer.jar');
