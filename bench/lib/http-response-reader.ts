/** One HTTP/1.1 response read off a socket. */
export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
  /** Bytes of the status line, headers and body as received. */
  size: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Collects bytes from a socket until one complete HTTP/1.1 response with a
 * Content-Length has arrived. Outpost, nginx and the bare server send a
 * length with every response these benchmarks read. A chunked response is
 * reported as an error instead of being misread.
 */
export class HttpResponseReader {
  private buffered: Buffer = Buffer.alloc(0);

  /** Adds received bytes; returns the response once it is complete, else null. */
  push(chunk: Buffer): RawResponse | null {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd === -1) return null;

    const head = this.buffered.subarray(0, headerEnd).toString('latin1').split('\r\n');
    const status = Number((head[0] ?? '').split(' ')[1]);
    const headers = new Map<string, string>();
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (headers.get('transfer-encoding')?.includes('chunked')) {
      throw new Error('Received a chunked response; the bench client reads only responses with Content-Length.');
    }

    const length = Number(headers.get('content-length') ?? '0');
    const total = headerEnd + HEADER_END.length + length;
    if (this.buffered.length < total) return null;

    const body = this.buffered.subarray(headerEnd + HEADER_END.length, total);
    this.buffered = this.buffered.subarray(total);
    return { status, headers, body, size: total };
  }
}
