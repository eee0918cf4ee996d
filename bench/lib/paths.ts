import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'outpost-mdm';

/**
 * Returns the repository root: the nearest folder above this file whose
 * package.json names the project. It works from the TypeScript source and
 * from the compiled copy under dist/bench.
 */
function findRepoRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(folder, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (parsed.name === PACKAGE_NAME) return folder;
    }
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`No package.json named ${PACKAGE_NAME} above ${import.meta.url}.`);
    folder = parent;
  }
}

export const REPO_ROOT = findRepoRoot();

/** Folder of the wrk Lua scripts, which tsc does not copy. */
export const WRK_SCRIPT_DIR = path.join(REPO_ROOT, 'bench', 'wrk');

/** Compiled JavaScript of a bench module, for fork() and worker entry points. */
export function compiledBenchFile(relativePath: string): string {
  return path.join(REPO_ROOT, 'dist', 'bench', 'bench', relativePath);
}
