import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { childPids } from './process-memory.js';
import { waitUntil } from './wait.js';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/** Returns nginx's version line, or null when nginx is not installed. */
export function nginxVersion(): string | null {
  const result = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (result.error) return null;
  return result.stderr.trim() || result.stdout.trim();
}

/**
 * nginx serving a folder of static files on a loopback port, started from
 * its own configuration in `folder`, never the system's site.
 */
export class StaticNginx {
  private constructor(
    private readonly master: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Returns the ids of the master and its worker processes, for memory sampling. */
  pids(): number[] {
    const master = this.master.pid;
    return master === undefined ? [] : [master, ...childPids(master)];
  }

  /**
   * Starts nginx with the static-file defaults of Debian's packaged
   * configuration: one worker per core, sendfile and tcp_nopush. Access
   * logging is off, so neither server writes a log line per request.
   */
  static async start(folder: string, root: string): Promise<StaticNginx> {
    const port = await freePort();
    for (const name of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(folder, name), { recursive: true });
    const config = path.join(folder, 'nginx.conf');
    fs.writeFileSync(
      config,
      [
        'daemon off;',
        'worker_processes auto;',
        `pid ${path.join(folder, 'nginx.pid')};`,
        `error_log ${path.join(folder, 'error.log')} warn;`,
        'events { worker_connections 1024; }',
        'http {',
        '  access_log off;',
        '  sendfile on;',
        '  tcp_nopush on;',
        '  default_type application/octet-stream;',
        '  types { application/vnd.android.package-archive apk; }',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${name}_temp_path ${path.join(folder, name)};`),
        `  server { listen 127.0.0.1:${port}; root ${root}; }`,
        '}',
        '',
      ].join('\n'),
    );

    const master = spawn('nginx', ['-p', folder, '-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
    const nginx = new StaticNginx(master, port);
    await waitUntil(() => canConnect(port), START_TIMEOUT_MS, () => `nginx did not listen on port ${port}; see ${folder}/error.log`);
    return nginx;
  }

  /** Stops nginx gracefully (SIGQUIT), and kills it when it has not exited in time. */
  async stop(): Promise<void> {
    if (this.master.exitCode !== null || this.master.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.master.once('exit', () => resolve()));
    this.master.kill('SIGQUIT');
    const timer = setTimeout(() => this.master.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
