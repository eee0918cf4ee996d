import net from 'node:net';

/** Where a TcpCutProxy forwards connections to. */
export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * A TCP proxy on 127.0.0.1 that a test can cut: cut() destroys every live
 * connection and rejects new ones until restore(). To a client this looks
 * like the server behind it restarting, or like a network outage.
 *
 * @example
 * const proxy = await TcpCutProxy.start({ host: '127.0.0.1', port: 5432 });
 * proxy.cut();
 * proxy.restore();
 * await proxy.close();
 */
export class TcpCutProxy {
  private readonly sockets = new Set<net.Socket>();
  private accepting = true;
  private acceptedTotal = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Listens on a free loopback port and forwards each connection to `target`. */
  static async start(target: ProxyTarget): Promise<TcpCutProxy> {
    let proxy: TcpCutProxy | null = null;
    const server = net.createServer((client) => proxy?.forward(client, target));

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address() as net.AddressInfo;
    proxy = new TcpCutProxy(server, address.port);
    return proxy;
  }

  /** Connections accepted and forwarded since the start. */
  get accepted(): number {
    return this.acceptedTotal;
  }

  /** Connections open through the proxy now. */
  get open(): number {
    return this.sockets.size / 2;
  }

  /** Destroys every live connection and resets new ones until restore(). */
  cut(): void {
    this.accepting = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Accepts and forwards connections again. */
  restore(): void {
    this.accepting = true;
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: net.Socket, target: ProxyTarget): void {
    if (!this.accepting) {
      // A reset, as a port without a listener would send, so clients see ECONNRESET at once.
      client.resetAndDestroy();
      return;
    }

    this.acceptedTotal += 1;
    const upstream = net.connect(target.port, target.host);
    this.track(client, upstream);
    this.track(upstream, client);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Keeps `socket` in the live set until it closes, and closes `peer` with it. */
  private track(socket: net.Socket, peer: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => peer.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      peer.destroy();
    });
  }
}
