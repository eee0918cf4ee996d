import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

interface ImportEdge {
  file: string;
  /** A path under src/ for a relative import, otherwise the package specifier. */
  target: string;
  relative: boolean;
}

function listSourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Collects every import of every source file, with relative targets resolved to paths under src/. */
function collectImports(): ImportEdge[] {
  const pattern = /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
  return listSourceFiles(SRC).flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return [...text.matchAll(pattern)].map((match) => {
      const specifier = match[1] ?? match[2] ?? '';
      const relative = specifier.startsWith('.');
      const target = relative ? path.relative(SRC, path.resolve(path.dirname(file), specifier)) : specifier;
      return { file: path.relative(SRC, file), target, relative };
    });
  });
}

const edges = collectImports();
const inFolder = (folder: string) => (edge: ImportEdge) => edge.file.startsWith(`${folder}/`);
const describeEdge = (edge: ImportEdge) => `${edge.file} imports ${edge.target}`;

describe('layering', () => {
  it('keeps domain free of other project code', () => {
    const bad = edges.filter(inFolder('domain')).filter((edge) => edge.relative && !edge.target.startsWith('domain/'));
    expect(bad.map(describeEdge)).toEqual([]);
  });

  it('keeps domain free of I/O', () => {
    const io = /^(node:)?(fs|net|http|https|child_process|dgram|worker_threads)(\/|$)|^(fastify|kysely|better-sqlite3|pg|pino)/;
    const bad = edges.filter(inFolder('domain')).filter((edge) => !edge.relative && io.test(edge.target));
    expect(bad.map(describeEdge)).toEqual([]);
  });

  it('keeps storage free of HTTP', () => {
    const bad = edges
      .filter(inFolder('store'))
      .filter((edge) => (edge.relative ? /^(agent-api|admin-api|services)\//.test(edge.target) : /^(fastify|@fastify\/)/.test(edge.target)));
    expect(bad.map(describeEdge)).toEqual([]);
  });

  it('keeps the agent and admin APIs apart', () => {
    const agentToAdmin = edges.filter(inFolder('agent-api')).filter((edge) => edge.target.startsWith('admin-api/'));
    const adminToAgent = edges.filter(inFolder('admin-api')).filter((edge) => edge.target.startsWith('agent-api/'));
    expect([...agentToAdmin, ...adminToAgent].map(describeEdge)).toEqual([]);
  });

  it('keeps services free of HTTP frameworks', () => {
    const bad = edges
      .filter(inFolder('services'))
      .filter((edge) => (edge.relative ? /^(agent-api|admin-api)\//.test(edge.target) : /^(fastify|@fastify\/)/.test(edge.target)));
    expect(bad.map(describeEdge)).toEqual([]);
  });

  it('finds the imports it checks', () => {
    expect(edges.some((edge) => edge.file === 'app.ts' && edge.target.startsWith('agent-api/'))).toBe(true);
  });
});
