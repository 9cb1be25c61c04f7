import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The first cells of README.md's "Folders" table: every `path` written in backticks there. */
function listedFolders(): Set<string> {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const section = /^## Folders\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const listed = new Set<string>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const firstCell = row.split('|')[1] ?? '';
    for (const [, path] of firstCell.matchAll(/`([^`]+)`/g)) listed.add(path!.replace(/\/$/, ''));
  }
  return listed;
}

describe('README.md folder table', () => {
  it('is found and has rows', () => {
    expect(listedFolders().size).toBeGreaterThan(0);
  });

  // A folder a newcomer cannot find in the table is a layer nobody explained.
  it('lists every top-level folder of src/', () => {
    const folders = readdirSync(new URL('src/', root), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `src/${entry.name}`);
    const listed = listedFolders();
    expect(folders.filter((folder) => !listed.has(folder))).toEqual([]);
  });

  it('lists src/protocol/ and src/rebuild/ as folders of their own', () => {
    const listed = listedFolders();
    expect(listed).toContain('src/protocol');
    expect(listed).toContain('src/rebuild');
  });
});
