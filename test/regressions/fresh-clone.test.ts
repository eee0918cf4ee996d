import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

// A fresh clone holds only the committed tree of HEAD. Every relative import
// in a committed source file must name a committed file, or `npm ci && npm
// start` fails at `tsc` on a clone. Both checks read HEAD, not the working
// tree, because uncommitted work in this checkout never reaches a clone. Tests must not read fixtures from outside the
// repository, or `npm test` fails on any machine but the one they were
// written on.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function committedFiles(): Set<string> {
  const output = execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return new Set(output.split('\0').filter((name) => name !== ''));
}

function committedText(file: string): string {
  return execFileSync('git', ['show', `HEAD:${file}`], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

const IMPORT_PATTERN = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

describe('fresh clone', () => {
  it('commits every file that a committed source file imports', () => {
    const committed = committedFiles();
    const missing: string[] = [];
    for (const file of committed) {
      if (!/^(src|simulator|test)\/.*\.tsx?$/.test(file)) continue;
      const text = committedText(file);
      for (const match of text.matchAll(IMPORT_PATTERN)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!));
        const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx'), `${target}.ts`];
        if (!candidates.some((candidate) => committed.has(candidate))) missing.push(`${file} imports ${match[1]}`);
      }
    }

    expect(missing).toEqual([]);
  });

  it('keeps test fixtures inside the repository', () => {
    const committed = committedFiles();
    const outside: string[] = [];
    for (const file of committed) {
      if (!/^test\/.*\.ts$/.test(file)) continue;
      const text = committedText(file);
      if (/\/work\/shared\/|\.\.\/\.\.\/\.\.\/shared\//.test(text)) outside.push(file);
    }

    expect(outside).toEqual([]);
  });
});
