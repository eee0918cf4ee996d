import { fork, type ChildProcess } from 'node:child_process';

import { compiledBenchFile } from './paths.js';

/** Request sent to a bench child process over IPC. */
export interface ChildRequest {
  id: number;
  type: string;
  payload?: unknown;
}

/** Reply of a bench child: the ready announcement (id 0) or the result of one request. */
export type ChildReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Id of the message a child sends once it is ready to serve requests. */
export const READY_MESSAGE_ID = 0;

// Starting Outpost on a 100,000-device database, with migrations checked,
// takes a few seconds; a child silent for this long has failed.
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** A child process running one bench server, driven over IPC. */
export class BenchChild<Ready> {
  private nextId = READY_MESSAGE_ID + 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    /** Announcement the child sent when it became ready, such as its URL. */
    readonly ready: Ready,
  ) {
    child.on('message', (message: ChildReply) => this.settle(message));
    child.once('exit', (code, signal) => {
      this.exited = true;
      const reason = new Error(`${name} exited (code ${code}, signal ${signal}) with a request pending.`);
      for (const waiter of this.pending.values()) waiter.reject(reason);
      this.pending.clear();
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no process id.`);
    return this.child.pid;
  }

  /**
   * Forks the compiled bench module `entry` (relative to the bench folder)
   * and waits for its ready message. `env` is added to this process's
   * environment.
   */
  static async start<Ready>(
    name: string,
    entry: string,
    options: { env?: Record<string, string>; execArgv?: string[] } = {},
  ): Promise<BenchChild<Ready>> {
    const child = fork(compiledBenchFile(entry), [], {
      env: { ...process.env, ...options.env },
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });

    const ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not report ready within ${READY_TIMEOUT_MS} ms.`));
      }, READY_TIMEOUT_MS);
      const onMessage = (message: ChildReply) => {
        if (message.id !== READY_MESSAGE_ID) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onMessage);
        if (message.ok) resolve(message.result as Ready);
        else reject(new Error(`${name} failed to start: ${message.error}`));
      };
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} before it was ready.`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    return new BenchChild(name, child, ready);
  }

  /** Sends a request and resolves with the child's result, or rejects with its error. */
  request<Result>(type: string, payload?: unknown, timeoutMs = 120_000): Promise<Result> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited; cannot send ${type}.`));
    const id = this.nextId;
    this.nextId += 1;

    return new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} did not respond to ${type} within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: ChildRequest = { id, type, payload };
      this.child.send(request);
    });
  }

  /** Asks the child to stop, and kills it when it has not exited in time. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ id: this.nextId++, type: 'stop' } satisfies ChildRequest);

    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private settle(message: ChildReply): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${this.name}: ${message.error}`));
  }
}
