import type { FileHandle } from 'node:fs/promises';

import { BinaryView } from './binary-view.js';
import { ApkError, MalformedDataError } from './errors.js';
import { MAX_SIGNING_BLOCK_BYTES } from './limits.js';
import { readExactly, type ZipDirectory } from './zip.js';

const SIGNING_BLOCK_MAGIC = Buffer.from('APK Sig Block 42', 'ascii');
/** The block ends with its size again (8 bytes) and the 16-byte magic, right before the central directory. */
const SIGNING_BLOCK_FOOTER_SIZE = 24;
/** Leading size field (8 bytes) plus the footer. */
const SIGNING_BLOCK_MIN_SIZE = 8 + SIGNING_BLOCK_FOOTER_SIZE;
const SIGNATURE_SCHEME_V2_ID = 0x7109871a;
const SIGNATURE_SCHEME_V3_ID = 0xf05368c0;

/** First-signer certificates (DER) found in the APK Signing Block; null where a scheme is absent. */
export interface SigningBlockCertificates {
  v2: Buffer | null;
  v3: Buffer | null;
}

/**
 * Reads the APK Signing Block that sits between the ZIP entries and the
 * central directory, and takes the first signer's first certificate from the
 * v2 and v3 scheme blocks. An APK without the block yields nulls.
 * NOTE: signatures and digests are not verified; Android verifies them when it installs the APK.
 */
export async function readSigningBlockCertificates(file: FileHandle, directory: ZipDirectory): Promise<SigningBlockCertificates> {
  const none: SigningBlockCertificates = { v2: null, v3: null };
  const blockEnd = directory.centralDirectoryOffset;
  if (blockEnd < SIGNING_BLOCK_MIN_SIZE) {
    return none;
  }
  const footer = await readExactly(file, blockEnd - SIGNING_BLOCK_FOOTER_SIZE, SIGNING_BLOCK_FOOTER_SIZE);
  if (!footer.subarray(8).equals(SIGNING_BLOCK_MAGIC)) {
    return none;
  }

  try {
    // Both size fields count the block without the leading size field itself.
    const sizeAfterLeadingField = new BinaryView(footer).u64(0);
    const totalSize = sizeAfterLeadingField + 8;
    if (totalSize < SIGNING_BLOCK_MIN_SIZE || totalSize > blockEnd) {
      throw new MalformedDataError(`its size ${sizeAfterLeadingField} does not fit before the central directory`);
    }
    if (totalSize > MAX_SIGNING_BLOCK_BYTES) {
      throw new ApkError(
        'too_large',
        `The APK Signing Block is ${totalSize} bytes, more than the ${MAX_SIGNING_BLOCK_BYTES} bytes this server reads. Sign the APK again with apksigner and upload it.`,
      );
    }
    const block = new BinaryView(await readExactly(file, blockEnd - totalSize, totalSize));
    if (block.u64(0) !== sizeAfterLeadingField) {
      throw new MalformedDataError('its two size fields differ');
    }
    return readSchemeCertificates(block.view(8, totalSize - SIGNING_BLOCK_MIN_SIZE));
  } catch (error) {
    if (error instanceof MalformedDataError) {
      throw new ApkError('unreadable', `The APK Signing Block is damaged: ${error.message}. Sign the APK again with apksigner and upload it.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Reads the block's body, a sequence of (uint64 length, uint32 ID, value) pairs. */
function readSchemeCertificates(pairs: BinaryView): SigningBlockCertificates {
  const found: SigningBlockCertificates = { v2: null, v3: null };
  let offset = 0;
  while (offset < pairs.length) {
    const length = pairs.u64(offset);
    if (length < 4) {
      throw new MalformedDataError(`an ID-value pair at offset ${offset} has length ${length}`);
    }
    const id = pairs.u32(offset + 8);
    const value = pairs.view(offset + 12, length - 4);
    if (id === SIGNATURE_SCHEME_V2_ID && found.v2 === null) {
      found.v2 = firstSignerCertificate(value, 'v2');
    } else if (id === SIGNATURE_SCHEME_V3_ID && found.v3 === null) {
      found.v3 = firstSignerCertificate(value, 'v3');
    }
    offset += 8 + length;
  }
  return found;
}

/**
 * Takes the first certificate of the first signer. In both v2 and v3 the
 * value is a length-prefixed list of length-prefixed signers. Each signer
 * starts with its signed data, which begins with the digests and then the
 * certificates. All length prefixes are uint32.
 */
function firstSignerCertificate(value: BinaryView, scheme: string): Buffer {
  const signers = lengthPrefixed(value, 0);
  if (signers.length === 0) {
    throw new MalformedDataError(`the ${scheme} scheme block lists no signer`);
  }
  const signer = lengthPrefixed(signers, 0);
  const signedData = lengthPrefixed(signer, 0);
  const digests = lengthPrefixed(signedData, 0);
  const certificates = lengthPrefixed(signedData, 4 + digests.length);
  if (certificates.length === 0) {
    throw new MalformedDataError(`the first ${scheme} signer lists no certificate`);
  }
  const certificate = lengthPrefixed(certificates, 0);
  return Buffer.from(certificate.bytes(0, certificate.length));
}

function lengthPrefixed(view: BinaryView, offset: number): BinaryView {
  return view.view(offset + 4, view.u32(offset));
}
