import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { seedFleet, type SeedOptions } from './seed.js';

/** A seeded data folder, copied from the run's template for one benchmark. */
export interface FleetCopy {
  dataDir: string;
  policyIds: string[];
  seedSeconds: number;
  remove(): void;
}

/**
 * Shared state of one bench run: a temporary folder, progress output, and
 * seeded fleets. Each fleet shape is seeded once per run and copied for
 * every benchmark that needs it, because seeding 100,000 devices takes
 * tens of seconds and copying the database takes one or two.
 */
export class RunContext {
  readonly tempRoot: string;
  private readonly templates = new Map<string, Promise<{ dataDir: string; policyIds: string[]; seconds: number }>>();
  private copies = 0;

  constructor(readonly smoke: boolean) {
    this.tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-'));
    // nginx's workers run as an unprivileged user and must reach files in here.
    fs.chmodSync(this.tempRoot, 0o755);
  }

  /** Writes a progress line to stderr, so stdout carries only the report. */
  log(message: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  }

  /** Returns a fresh copy of a fleet seeded with these options. */
  async fleet(options: SeedOptions): Promise<FleetCopy> {
    const key = `${options.devices}-${options.policies}-${options.locationsPerDevice}`;
    let template = this.templates.get(key);
    if (!template) {
      const dataDir = path.join(this.tempRoot, `template-${key}`);
      this.log(`seeding ${options.devices} devices over ${options.policies} policies`);
      template = seedFleet(dataDir, options).then((fleet) => {
        this.log(`seeded ${options.devices} devices in ${fleet.seconds.toFixed(1)} s`);
        return { dataDir, policyIds: fleet.policyIds, seconds: fleet.seconds };
      });
      this.templates.set(key, template);
    }
    const seeded = await template;

    this.copies += 1;
    const dataDir = path.join(this.tempRoot, `copy-${this.copies}`);
    fs.cpSync(seeded.dataDir, dataDir, { recursive: true });
    return {
      dataDir,
      policyIds: seeded.policyIds,
      seedSeconds: seeded.seconds,
      remove: () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }

  /** Creates an empty folder under the run's temporary folder. */
  folder(name: string): string {
    const folder = fs.mkdtempSync(path.join(this.tempRoot, `${name}-`));
    fs.chmodSync(folder, 0o755);
    return folder;
  }

  dispose(): void {
    fs.rmSync(this.tempRoot, { recursive: true, force: true });
  }
}
