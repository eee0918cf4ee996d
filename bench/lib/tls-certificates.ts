import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Host name the simulated phones use for Outpost, in SNI and in the Host header. */
export const SERVER_NAME = 'outpost.example.org';

export interface CertificateChain {
  /** PEM of the server's private key. */
  key: string;
  /** PEM of the leaf followed by the intermediate, as the server sends them. */
  chain: string;
  /** PEM of the root the client trusts; the server does not send it. */
  root: string;
}

// The shape of a current Let's Encrypt chain: ECDSA P-256 keys, a leaf for
// one host name and one intermediate. The certificates' size is what the
// server sends in every full handshake.
const KEY_ALGORITHM = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
const VALID_DAYS = '2';

/**
 * Creates a root, an intermediate and a leaf certificate for SERVER_NAME
 * with the openssl command-line tool, in `folder`.
 */
export function createCertificateChain(folder: string): CertificateChain {
  const file = (name: string) => path.join(folder, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

  fs.writeFileSync(file('ca.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  fs.writeFileSync(
    file('leaf.ext'),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${SERVER_NAME}\n`,
  );

  openssl('req', '-x509', ...KEY_ALGORITHM, '-nodes', '-keyout', file('root.key'), '-out', file('root.pem'),
    '-days', VALID_DAYS, '-subj', '/O=Outpost bench/CN=Bench Root', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...KEY_ALGORITHM, '-nodes', '-keyout', file('intermediate.key'), '-out', file('intermediate.csr'),
    '-subj', '/O=Outpost bench/CN=Bench Intermediate');
  openssl('x509', '-req', '-in', file('intermediate.csr'), '-CA', file('root.pem'), '-CAkey', file('root.key'),
    '-CAcreateserial', '-out', file('intermediate.pem'), '-days', VALID_DAYS, '-extfile', file('ca.ext'));
  openssl('req', ...KEY_ALGORITHM, '-nodes', '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', `/CN=${SERVER_NAME}`);
  openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('intermediate.pem'), '-CAkey', file('intermediate.key'),
    '-CAcreateserial', '-out', file('leaf.pem'), '-days', VALID_DAYS, '-extfile', file('leaf.ext'));

  const read = (name: string) => fs.readFileSync(file(name), 'utf8');
  return { key: read('leaf.key'), chain: read('leaf.pem') + read('intermediate.pem'), root: read('root.pem') };
}
