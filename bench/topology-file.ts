import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { TopologyFile } from '../src/topology/schema.js';

/** Writes a topology file for one benchmark run; returns its path. */
export function writeTopology(file: string, topology: TopologyFile): string {
  writeFileSync(file, stringify(topology));
  return file;
}
