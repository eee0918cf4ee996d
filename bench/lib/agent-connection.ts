import net from 'node:net';
import tls from 'node:tls';

import { HttpResponseReader, type RawResponse } from './http-response-reader.js';

/** Bytes that crossed the TCP socket, each way, during one step. */
export interface WireBytes {
  /** Phone to server. */
  up: number;
  /** Server to phone. */
  down: number;
}

export interface Exchange extends WireBytes {
  response: RawResponse;
  /** Bytes of the HTTP request text, before TLS framing. */
  requestSize: number;
  seconds: number;
}

// After the handshake the server sends its session tickets in separate
// records. The handshake counts as complete once the socket has been quiet
// this long, so that those tickets count toward the handshake.
const HANDSHAKE_QUIET_MS = 100;
// A loopback response arrives in microseconds; 10 s is the agent's own read timeout.
const SHORT_CALL_TIMEOUT_MS = 10_000;
const QUIET_POLL_MS = 5;
// OkHttp offers HTTP/2 and HTTP/1.1 through ALPN, and the names are part of its ClientHello.
const OKHTTP_ALPN = ['h2', 'http/1.1'];

/**
 * One TLS connection of a simulated phone, with byte counters on the TCP
 * socket below TLS: every count includes TLS record framing, handshakes
 * and alerts, which is what the phone's data plan pays for (TCP and IP
 * headers excepted).
 */
export class AgentConnection {
  private reader = new HttpResponseReader();
  private waiting: { resolve(response: RawResponse): void; reject(error: Error): void } | null = null;
  /** The newest session the server issued, for resuming the next connection. */
  session: Buffer | null = null;

  private constructor(
    private readonly raw: net.Socket,
    private readonly secure: tls.TLSSocket,
    /** Bytes of the handshake, including the server's session tickets. */
    readonly handshake: WireBytes,
    /** True when the server accepted the offered session. */
    readonly resumed: boolean,
  ) {
    secure.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** Local port of the TCP socket: the client port on the server side. */
  get localPort(): number {
    return this.raw.localPort ?? 0;
  }

  /** Connects, offering `session` for resumption, and waits until the handshake and tickets are through. */
  static async open(options: { port: number; serverName: string; ca: string; session: Buffer | null }): Promise<AgentConnection> {
    const raw = net.connect({ host: '127.0.0.1', port: options.port });
    raw.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      raw.once('connect', () => resolve());
      raw.once('error', reject);
    });

    const secure = tls.connect({
      socket: raw,
      servername: options.serverName,
      ca: options.ca,
      ALPNProtocols: OKHTTP_ALPN,
      session: options.session ?? undefined,
    });
    let session: Buffer | null = null;
    secure.on('session', (ticket: Buffer) => (session = ticket));
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    await waitForQuiet(raw, HANDSHAKE_QUIET_MS);

    const connection = new AgentConnection(raw, secure, { up: raw.bytesWritten, down: raw.bytesRead }, secure.isSessionReused());
    connection.session = session;
    secure.on('session', (ticket: Buffer) => (connection.session = ticket));
    return connection;
  }

  /** Sends one request and reads its response; `timeoutMs` bounds a long poll's hold. */
  async exchange(request: string, timeoutMs = SHORT_CALL_TIMEOUT_MS): Promise<Exchange> {
    const before = this.counters();
    const started = performance.now();
    const answered = new Promise<RawResponse>((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
    this.secure.write(request);

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`No response within ${timeoutMs} ms to: ${request.split('\r\n')[0]}`)), timeoutMs);
    });
    try {
      const response = await Promise.race([answered, timeout]);
      const after = this.counters();
      return {
        up: after.up - before.up,
        down: after.down - before.down,
        response,
        requestSize: Buffer.byteLength(request),
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      clearTimeout(timer);
      this.waiting = null;
    }
  }

  /**
   * Lets `closeFromServer` end the connection and returns the bytes of the
   * closing. The phone replies to the server's close_notify with its own,
   * as an Android TLS socket does when it is closed.
   */
  async closedByServer(closeFromServer: () => void): Promise<WireBytes> {
    const before = this.counters();
    // With TLS on top, the TLS socket reports the close of the connection.
    const closed = new Promise<void>((resolve) => this.secure.once('close', () => resolve()));
    this.secure.once('end', () => this.secure.end());
    closeFromServer();
    await closed;
    const after = this.counters();
    return { up: after.up - before.up, down: after.down - before.down };
  }

  destroy(): void {
    this.secure.destroy();
    this.raw.destroy();
  }

  private counters(): WireBytes {
    return { up: this.raw.bytesWritten, down: this.raw.bytesRead };
  }

  private receive(chunk: Buffer): void {
    try {
      const response = this.reader.push(chunk);
      if (response) this.waiting?.resolve(response);
    } catch (error) {
      this.waiting?.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/**
 * Resolves once the socket's received-byte count has not changed for
 * quietMs. With TLS on top, the TCP socket emits no data events of its own,
 * so its counter is polled.
 */
async function waitForQuiet(socket: net.Socket, quietMs: number): Promise<void> {
  let last = socket.bytesRead;
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_POLL_MS));
    if (socket.bytesRead !== last) {
      last = socket.bytesRead;
      quietSince = performance.now();
    }
  }
}
