// A loopback HTTP proxy in front of a test server that can alter config
// responses on the way to the agent, as a man in the middle would.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Headers that describe one connection or body framing. fetch sets its own.
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export class TamperProxy {
  /** When true, config responses get their data changed while the signature header is kept. */
  tamperConfig = false;
  tampered = 0;
  origin = '';
  private server: http.Server | null = null;

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      this.forward(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async forward(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);

    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !HOP_HEADERS.has(name)) headers.set(name, value);
    }
    const method = request.method ?? 'GET';
    const upstream = await fetch(`${this.target}${request.url ?? ''}`, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });

    let body = Buffer.from(await upstream.arrayBuffer());
    if (this.tamperConfig && (request.url ?? '').includes('/rest/public/sync/configuration/')) {
      const text = body.toString('utf8');
      const altered = text.replace('"pushOptions":"polling"', '"pushOptions":"mqttWorker"');
      if (altered !== text) this.tampered += 1;
      body = Buffer.from(altered);
    }

    const outgoing: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_HEADERS.has(name) && name !== 'content-encoding') outgoing[name] = value;
    });
    response.writeHead(upstream.status, outgoing);
    response.end(body);
  }
}
