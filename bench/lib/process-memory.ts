import fs from 'node:fs';

/** Memory of a Node process as process.memoryUsage() reports it, in bytes. */
export interface NodeMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Returns the memory of this process, after a full garbage collection when --expose-gc is set. */
export function measureOwnMemory(): NodeMemory {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
  };
}

/** Reads a process's resident set size from /proc, in bytes; null once the process is gone. */
export function readRssBytes(pid: number): number | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

/** Returns the ids of a process's direct children, from /proc. */
export function childPids(parentPid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The fourth field, after the parenthesised command name, is the parent id.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parentPid) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

// Ten samples a second catch the peak of a load lasting a few seconds.
const SAMPLE_INTERVAL_MS = 100;

/** Samples the summed RSS of a group of processes until stopped; returns the peak and the mean. */
export class RssSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: () => number[]) {
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.sample();
  }

  stop(): { peakBytes: number; meanBytes: number; samples: number } {
    clearInterval(this.timer);
    this.sample();
    const peak = Math.max(0, ...this.samples);
    const mean = this.samples.length === 0 ? 0 : this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
    return { peakBytes: peak, meanBytes: mean, samples: this.samples.length };
  }

  private sample(): void {
    let total = 0;
    for (const pid of this.pids()) total += readRssBytes(pid) ?? 0;
    if (total > 0) this.samples.push(total);
  }
}
