import type { FileHandle } from 'node:fs/promises';

import {
  TAG_CLASS_CONTEXT,
  TAG_CLASS_UNIVERSAL,
  TAG_OBJECT_IDENTIFIER,
  TAG_SEQUENCE,
  TAG_SET,
  contentBytes,
  decodeObjectIdentifier,
  elementBytes,
  expectTag,
  isTag,
  readChildren,
  readElement,
  type DerElement,
} from './der.js';
import { ApkError, MalformedDataError } from './errors.js';
import { MAX_JAR_SIGNATURE_FILE_BYTES } from './limits.js';
import { readCertificateNames } from './x509.js';
import { readZipEntry, type ZipDirectory } from './zip.js';

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

/** A JAR signature block file sits directly in META-INF/ and is named after its key type. */
const SIGNATURE_BLOCK_NAME = /^META-INF\/([^/]+)\.(RSA|DSA|EC)$/;

/**
 * Returns the DER certificate of the first v1 (JAR) signer, or null when the
 * APK has no signature block file with its matching .SF file. Signers are
 * taken in file-name order.
 * NOTE: no signature is verified here; Android verifies them when it installs the APK.
 */
export async function readJarSignerCertificate(file: FileHandle, directory: ZipDirectory): Promise<Buffer | null> {
  const names = new Set(directory.entries.map((entry) => entry.name));
  const candidates = directory.entries.filter((entry) => {
    const match = SIGNATURE_BLOCK_NAME.exec(entry.name);
    return match !== null && names.has(`META-INF/${match[1]}.SF`);
  });
  candidates.sort((a, b) => {
    if (a.name === b.name) {
      return 0;
    }
    return a.name < b.name ? -1 : 1;
  });

  const entry = candidates[0];
  if (entry === undefined) {
    return null;
  }
  const contents = await readZipEntry(file, directory, entry, {
    description: entry.name,
    maxBytes: MAX_JAR_SIGNATURE_FILE_BYTES,
    damagedCode: 'unreadable',
  });
  try {
    return extractSignerCertificate(contents);
  } catch (error) {
    if (error instanceof MalformedDataError) {
      throw new ApkError(
        'unreadable',
        `The APK's v1 signature file ${entry.name} is damaged: ${error.message}. Sign the APK again with apksigner and upload it.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Returns the certificate that the first SignerInfo names by issuer and
 * serial number, or the first certificate when it names none that is present
 * (a subjectKeyIdentifier, say). Raises MalformedDataError.
 */
export function extractSignerCertificate(der: Buffer): Buffer {
  const contentInfo = expectTag(readElement(der, 0, der.length), TAG_CLASS_UNIVERSAL, TAG_SEQUENCE, 'PKCS#7 ContentInfo');
  const [contentType, wrapped] = readChildren(der, contentInfo);
  const oid = expectTag(contentType, TAG_CLASS_UNIVERSAL, TAG_OBJECT_IDENTIFIER, 'PKCS#7 content type');
  if (decodeObjectIdentifier(contentBytes(der, oid)) !== SIGNED_DATA_OID) {
    throw new MalformedDataError('it is PKCS#7 data of a type other than SignedData');
  }
  const explicitContent = expectTag(wrapped, TAG_CLASS_CONTEXT, 0, 'PKCS#7 content');
  const signedData = expectTag(readChildren(der, explicitContent)[0], TAG_CLASS_UNIVERSAL, TAG_SEQUENCE, 'SignedData');

  const fields = readChildren(der, signedData);
  // SignedData: version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos.
  const certificateSet = fields.find((field) => isTag(field, TAG_CLASS_CONTEXT, 0));
  const signerInfos = fields.at(-1);
  const certificates = certificateSet
    ? readChildren(der, certificateSet).filter((element) => isTag(element, TAG_CLASS_UNIVERSAL, TAG_SEQUENCE))
    : [];
  const firstCertificate = certificates[0];
  if (firstCertificate === undefined) {
    throw new MalformedDataError('it contains no certificate');
  }

  const signerId = isTag(signerInfos, TAG_CLASS_UNIVERSAL, TAG_SET) ? readIssuerAndSerial(der, signerInfos) : null;
  if (signerId !== null) {
    for (const certificate of certificates) {
      const names = readCertificateNames(elementBytes(der, certificate));
      if (names.issuer.equals(signerId.issuer) && names.serialNumber.equals(signerId.serialNumber)) {
        return Buffer.from(elementBytes(der, certificate));
      }
    }
  }
  return Buffer.from(elementBytes(der, firstCertificate));
}

function readIssuerAndSerial(der: Buffer, signerInfos: DerElement): { issuer: Buffer; serialNumber: Buffer } | null {
  const signerInfo = readChildren(der, signerInfos)[0];
  if (!isTag(signerInfo, TAG_CLASS_UNIVERSAL, TAG_SEQUENCE)) {
    return null;
  }
  // SignerInfo: version, then sid, which is IssuerAndSerialNumber when it is a SEQUENCE.
  const sid = readChildren(der, signerInfo)[1];
  if (!isTag(sid, TAG_CLASS_UNIVERSAL, TAG_SEQUENCE)) {
    return null;
  }
  const [issuer, serialNumber] = readChildren(der, sid);
  if (issuer === undefined || serialNumber === undefined) {
    return null;
  }
  return { issuer: elementBytes(der, issuer), serialNumber: elementBytes(der, serialNumber) };
}
