// Benchmark e: many phones downloading one APK at once from Outpost, beside
// nginx serving the same file on this machine, with Outpost's memory.

import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { BlobStore } from '../src/blobs/blob-store.js';
import { openDatabase } from '../src/store/database.js';
import { newId } from '../src/store/ids.js';
import { createStore } from '../src/store/store.js';
import { loadGenerator } from './lib/load/index.js';
import { runWrk } from './lib/load/wrk-load.js';
import { nginxVersion, StaticNginx } from './lib/nginx.js';
import { startOutpost, type OutpostChild } from './lib/outpost-child.js';
import { downloadInParallel, type DownloadRun } from './lib/parallel-downloads.js';
import { readRssBytes, RssSampler } from './lib/process-memory.js';
import type { RunContext } from './lib/run-context.js';
import { DATABASE_FILE_NAME } from './lib/seed.js';
import { spreadOf, type Spread } from './lib/stats.js';

export interface ApkDownloadOptions {
  fileBytes: number;
  concurrentDownloads: number;
  repeats: number;
  /**
   * Seconds of a second measurement with wrk, when installed: as many open
   * connections downloading the file over and over. wrk reads with far
   * less CPU than the Node client, so it limits the servers less.
   */
  wrkSeconds: number;
}

/** Throughput of wrk downloading the file on `connections` connections for a fixed time. */
export interface WrkDownloadRun {
  megabytesPerSecond: number;
  /** Downloads completed within the time. */
  downloads: number;
  errors: number;
}

export interface ServerDownloadRun {
  /** The Node client's downloads, each of the whole file, all started at once. */
  run: DownloadRun;
  wrk: WrkDownloadRun | null;
  /** Peak and mean of the server's summed RSS (all its processes) while the downloads ran. */
  peakRssBytes: number;
  meanRssBytes: number;
}

export interface ApkDownloadResult {
  fileBytes: number;
  concurrentDownloads: number;
  outpost: ServerDownloadRun[];
  /** Empty when nginx is not installed. */
  nginx: ServerDownloadRun[];
  nginxVersion: string | null;
  outpostIdleRssBytes: number;
  outpostMegabytesPerSecond: Spread;
  nginxMegabytesPerSecond: Spread | null;
  /** Outpost's throughput over nginx's, per repeat, with the Node client. */
  ratioToNginx: Spread | null;
  outpostWrkMegabytesPerSecond: Spread | null;
  nginxWrkMegabytesPerSecond: Spread | null;
  /** Outpost's throughput over nginx's, per repeat, with wrk. */
  wrkRatioToNginx: Spread | null;
  outpostPeakRssBytes: Spread;
}

const PACKAGE_NAME = 'org.example.bench';
const FILE_NAME = `${PACKAGE_NAME}-1.apk`;

/** Runs benchmark e, alternating nginx and Outpost in each repeat. */
export async function runApkDownload(run: RunContext, options: ApkDownloadOptions): Promise<ApkDownloadResult> {
  const fleet = await run.fleet({ devices: 10, policies: 1, locationsPerDevice: 1 });
  const version = await storeApk(fleet.dataDir, options.fileBytes);
  const filePath = `/files/apps/${version.id}/${FILE_NAME}`;

  const nginxRoot = run.folder('nginx-root');
  fs.mkdirSync(path.join(nginxRoot, path.dirname(filePath)), { recursive: true });
  fs.linkSync(version.blobPath, path.join(nginxRoot, filePath));
  for (let folder = path.join(nginxRoot, path.dirname(filePath)); folder !== nginxRoot; folder = path.dirname(folder)) {
    fs.chmodSync(folder, 0o755);
  }
  fs.chmodSync(version.blobPath, 0o644);

  const versionLine = nginxVersion();
  let outpost: OutpostChild | null = null;
  let nginx: StaticNginx | null = null;
  try {
    outpost = await startOutpost('outpost (downloads)', fleet.dataDir);
    if (versionLine) nginx = await StaticNginx.start(run.folder('nginx'), nginxRoot);
    else run.log('apk download: nginx is not installed (apt-get install nginx-light); measuring Outpost alone');

    const outpostPid = outpost.ready.pid;
    const outpostIdleRssBytes = readRssBytes(outpostPid) ?? 0;
    const outpostRuns: ServerDownloadRun[] = [];
    const nginxRuns: ServerDownloadRun[] = [];
    for (let repeat = 1; repeat <= options.repeats; repeat += 1) {
      if (nginx) {
        const server = nginx;
        nginxRuns.push(await measure(`${server.url}${filePath}`, options, () => server.pids()));
      }
      outpostRuns.push(await measure(`${outpost.ready.url}${filePath}`, options, () => [outpostPid]));
      run.log(
        `apk download, repeat ${repeat}: outpost ${outpostRuns.at(-1)?.run.megabytesPerSecond.toFixed(0)} MB/s` +
          (nginx ? `, nginx ${nginxRuns.at(-1)?.run.megabytesPerSecond.toFixed(0)} MB/s` : ''),
      );
    }

    const nodeRate = (entry: ServerDownloadRun) => entry.run.megabytesPerSecond;
    const wrkRate = (entry: ServerDownloadRun) => entry.wrk?.megabytesPerSecond;
    return {
      fileBytes: options.fileBytes,
      concurrentDownloads: options.concurrentDownloads,
      outpost: outpostRuns,
      nginx: nginxRuns,
      nginxVersion: versionLine,
      outpostIdleRssBytes,
      outpostMegabytesPerSecond: spreadOf(outpostRuns.map(nodeRate)),
      nginxMegabytesPerSecond: rateSpread(nginxRuns, nodeRate),
      ratioToNginx: ratioSpread(outpostRuns, nginxRuns, nodeRate),
      outpostWrkMegabytesPerSecond: rateSpread(outpostRuns, wrkRate),
      nginxWrkMegabytesPerSecond: rateSpread(nginxRuns, wrkRate),
      wrkRatioToNginx: ratioSpread(outpostRuns, nginxRuns, wrkRate),
      outpostPeakRssBytes: spreadOf(outpostRuns.map((entry) => entry.peakRssBytes)),
    };
  } finally {
    await nginx?.stop();
    await outpost?.stop();
    fleet.remove();
  }
}

type RateOf = (entry: ServerDownloadRun) => number | undefined;

/** Returns the spread of a rate over the runs, or null when a run lacks it or there are none. */
function rateSpread(runs: ServerDownloadRun[], rateOf: RateOf): Spread | null {
  const rates = runs.map(rateOf);
  if (rates.length === 0 || rates.some((rate) => rate === undefined)) return null;
  return spreadOf(rates as number[]);
}

/** Returns the spread of Outpost's rate over nginx's, repeat by repeat, or null when either lacks it. */
function ratioSpread(outpostRuns: ServerDownloadRun[], nginxRuns: ServerDownloadRun[], rateOf: RateOf): Spread | null {
  if (rateSpread(outpostRuns, rateOf) === null || rateSpread(nginxRuns, rateOf) === null) return null;
  return spreadOf(outpostRuns.map((entry, index) => (rateOf(entry) ?? 0) / (rateOf(nginxRuns[index] as ServerDownloadRun) ?? Number.NaN)));
}

async function measure(url: string, options: ApkDownloadOptions, pids: () => number[]): Promise<ServerDownloadRun> {
  const sampler = new RssSampler(pids);
  const downloads = await downloadInParallel(url, options.concurrentDownloads, options.fileBytes);
  const wrk = loadGenerator().name === 'wrk' && options.wrkSeconds > 0 ? await measureWithWrk(url, options) : null;
  const memory = sampler.stop();
  return { run: downloads, wrk, peakRssBytes: memory.peakBytes, meanRssBytes: memory.meanBytes };
}

async function measureWithWrk(url: string, options: ApkDownloadOptions): Promise<WrkDownloadRun> {
  const parsed = new URL(url);
  const result = await runWrk(
    { mode: 'get', path: parsed.pathname, deviceCount: 1 },
    // A download still running when the time is up is cut off; it must not count as timed out.
    {
      baseUrl: parsed.origin,
      connections: options.concurrentDownloads,
      durationSeconds: options.wrkSeconds,
      requestTimeoutSeconds: options.wrkSeconds * 2,
    },
  );
  return { megabytesPerSecond: result.bytesRead / 1e6 / result.seconds, downloads: result.requests, errors: result.errors };
}

/** Writes a file of random bytes into Outpost's blob store and records it as an app version. */
async function storeApk(dataDir: string, size: number): Promise<{ id: string; blobPath: string }> {
  const bytes = Buffer.alloc(size);
  randomFillSync(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const blobKey = `${sha256}.apk`;
  const blobPath = new BlobStore(path.join(dataDir, 'blobs')).pathOf(blobKey);
  fs.writeFileSync(blobPath, bytes);

  const db = openDatabase(path.join(dataDir, DATABASE_FILE_NAME));
  try {
    const store = createStore(db);
    const appId = newId();
    await store.apps.insertApp({ id: appId, packageName: PACKAGE_NAME, label: 'Bench download' });
    const id = newId();
    await store.apps.insertVersion({
      id,
      app_id: appId,
      version_code: 1,
      version_name: '1.0',
      min_sdk: 24,
      target_sdk: 34,
      label: 'Bench download',
      size,
      file_sha256: sha256,
      signer_sha256: 'ab'.repeat(32),
      signature_schemes: 'v2',
      blob_key: blobKey,
      file_name: FILE_NAME,
      created_at: Date.now(),
      created_by: 'bench',
    });
    return { id, blobPath };
  } finally {
    await db.destroy();
  }
}
