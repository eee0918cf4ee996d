import net from 'node:net';
import tls from 'node:tls';

import type { CertificateChain } from './tls-certificates.js';

/**
 * Lifetime of TLS sessions and tickets. The agent reconnects every 15
 * minutes, so resumption needs sessions that live longer than that. With
 * nginx's default ssl_session_timeout of 5 minutes, every connection would
 * need a full handshake.
 */
export const SESSION_LIFETIME_SECONDS = 24 * 3600;

/**
 * A TLS-terminating TCP proxy in front of Outpost on loopback, standing in
 * for the nginx that terminates TLS in a deployment. It forwards bytes
 * unchanged, and closes a client's connection on request, as a server
 * closes an idle keep-alive connection.
 */
export class TlsTerminator {
  /** Client-side TLS sockets by the client's source port. */
  private readonly byClientPort = new Map<number, tls.TLSSocket>();

  private constructor(private readonly server: tls.Server) {}

  static async start(chain: CertificateChain, upstream: URL): Promise<TlsTerminator> {
    const server = tls.createServer({ key: chain.key, cert: chain.chain, sessionTimeout: SESSION_LIFETIME_SECONDS });
    const terminator = new TlsTerminator(server);
    server.on('secureConnection', (client) => terminator.forward(client, upstream));
    server.on('tlsClientError', () => {
      // A client that gives up during the handshake needs no action here.
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return terminator;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Ends the TLS connection of the client at `clientPort`: close_notify, then FIN. */
  closeClient(clientPort: number): void {
    const socket = this.byClientPort.get(clientPort);
    if (!socket) throw new Error(`No client connection from port ${clientPort}.`);
    socket.end();
  }

  async close(): Promise<void> {
    for (const socket of this.byClientPort.values()) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: tls.TLSSocket, upstream: URL): void {
    const port = client.remotePort ?? 0;
    this.byClientPort.set(port, client);
    const backend = net.connect({ host: upstream.hostname, port: Number(upstream.port) });

    client.pipe(backend);
    backend.pipe(client);
    const finish = () => {
      this.byClientPort.delete(port);
      client.destroy();
      backend.destroy();
    };
    client.once('close', finish);
    backend.once('close', finish);
    client.on('error', finish);
    backend.on('error', finish);
  }
}
