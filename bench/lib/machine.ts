import { execFileSync } from 'node:child_process';
import os from 'node:os';

import { loadGenerator } from './load/index.js';
import { nginxVersion } from './nginx.js';
import { REPO_ROOT } from './paths.js';

/** The machine and software a run measured on, recorded beside its results. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  loadGenerator: string;
  nginx: string | null;
  /** Commit of the checkout, with "+changes" when files differ from it. */
  commit: string;
  /** One-minute load average when the run started: other work on the machine skews results. */
  loadAverageAtStart: number;
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadGenerator: `${loadGenerator().name} (${loadGenerator().version})`,
    nginx: nginxVersion(),
    commit: gitCommit(),
    loadAverageAtStart: os.loadavg()[0] ?? 0,
  };
}

function gitCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain').length > 0 ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}
