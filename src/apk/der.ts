// A small ASN.1 reader for X.509 certificates and PKCS#7 SignedData. It
// accepts BER indefinite lengths as well as DER, because some JAR signing
// tools write PKCS#7 files with them.
import { MalformedDataError } from './errors.js';
import { MAX_DER_DEPTH } from './limits.js';

export const TAG_CLASS_UNIVERSAL = 0;
export const TAG_CLASS_CONTEXT = 2;

export const TAG_INTEGER = 0x02;
export const TAG_OBJECT_IDENTIFIER = 0x06;
export const TAG_SEQUENCE = 0x10;
export const TAG_SET = 0x11;

const INDEFINITE_LENGTH = 0x80;
const MAX_LENGTH_OCTETS = 4;
const MAX_TAG_NUMBER_OCTETS = 4;

export interface DerElement {
  tagClass: number;
  constructed: boolean;
  tagNumber: number;
  /** Buffer offsets: the element spans [start, end) and its contents [contentStart, contentEnd). */
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
}

/** Reads the element at `offset`, which must end at or before `limit`. */
export function readElement(buffer: Buffer, offset: number, limit: number, depth = 0): DerElement {
  if (depth > MAX_DER_DEPTH) {
    throw new MalformedDataError(`ASN.1 nests deeper than ${MAX_DER_DEPTH} levels`);
  }
  let position = offset;
  const readByte = (): number => {
    if (position >= limit) {
      throw new MalformedDataError(`ASN.1 element at offset ${offset} runs past its container`);
    }
    return buffer[position++] ?? 0;
  };

  const identifier = readByte();
  const tagClass = identifier >>> 6;
  const constructed = (identifier & 0x20) !== 0;
  let tagNumber = identifier & 0x1f;
  if (tagNumber === 0x1f) {
    // High tag numbers continue in base-128 octets, the last with its top bit clear.
    tagNumber = 0;
    for (let octets = 0; ; octets++) {
      if (octets === MAX_TAG_NUMBER_OCTETS) {
        throw new MalformedDataError(`ASN.1 tag number at offset ${offset} is too long`);
      }
      const octet = readByte();
      tagNumber = tagNumber * 128 + (octet & 0x7f);
      if ((octet & 0x80) === 0) {
        break;
      }
    }
  }

  const firstLengthOctet = readByte();
  if (firstLengthOctet === INDEFINITE_LENGTH) {
    if (!constructed) {
      throw new MalformedDataError(`primitive ASN.1 element at offset ${offset} has an indefinite length`);
    }
    return readIndefiniteElement(buffer, { tagClass, constructed, tagNumber, start: offset }, position, limit, depth);
  }

  let length = firstLengthOctet;
  if (firstLengthOctet > INDEFINITE_LENGTH) {
    const octetCount = firstLengthOctet & 0x7f;
    if (octetCount > MAX_LENGTH_OCTETS) {
      throw new MalformedDataError(`ASN.1 length at offset ${offset} uses ${octetCount} octets`);
    }
    length = 0;
    for (let index = 0; index < octetCount; index++) {
      length = length * 256 + readByte();
    }
  }
  const contentStart = position;
  const end = contentStart + length;
  if (end > limit) {
    throw new MalformedDataError(`ASN.1 element at offset ${offset} runs past its container`);
  }
  return { tagClass, constructed, tagNumber, start: offset, contentStart, contentEnd: end, end };
}

/** Returns the elements inside a constructed element. */
export function readChildren(buffer: Buffer, parent: DerElement, depth = 0): DerElement[] {
  if (!parent.constructed) {
    throw new MalformedDataError(`ASN.1 element at offset ${parent.start} is primitive where a constructed one is expected`);
  }
  const children: DerElement[] = [];
  let position = parent.contentStart;
  while (position < parent.contentEnd) {
    const child = readElement(buffer, position, parent.contentEnd, depth + 1);
    children.push(child);
    position = child.end;
  }
  return children;
}

/** Raises MalformedDataError unless the element has the given class and tag number. */
export function expectTag(element: DerElement | undefined, tagClass: number, tagNumber: number, description: string): DerElement {
  if (element === undefined || element.tagClass !== tagClass || element.tagNumber !== tagNumber) {
    throw new MalformedDataError(`${description} is missing or has the wrong ASN.1 type`);
  }
  return element;
}

export function isTag(element: DerElement | undefined, tagClass: number, tagNumber: number): element is DerElement {
  return element !== undefined && element.tagClass === tagClass && element.tagNumber === tagNumber;
}

export function elementBytes(buffer: Buffer, element: DerElement): Buffer {
  return buffer.subarray(element.start, element.end);
}

export function contentBytes(buffer: Buffer, element: DerElement): Buffer {
  return buffer.subarray(element.contentStart, element.contentEnd);
}

/** Decodes an OBJECT IDENTIFIER's contents to dotted form such as "2.5.4.3". */
export function decodeObjectIdentifier(contents: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const octet of contents) {
    value = value * 128 + (octet & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) {
      throw new MalformedDataError('object identifier arc is too large');
    }
    if ((octet & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift();
  if (first === undefined) {
    throw new MalformedDataError('object identifier is empty');
  }
  // The first encoded number packs two arcs as 40 * X + Y, where X is 0, 1 or 2.
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** Finds the end of an indefinite-length element: the first end-of-contents marker (two zero octets) among its children. */
function readIndefiniteElement(
  buffer: Buffer,
  header: Pick<DerElement, 'tagClass' | 'constructed' | 'tagNumber' | 'start'>,
  contentStart: number,
  limit: number,
  depth: number,
): DerElement {
  let position = contentStart;
  for (;;) {
    if (position + 2 <= limit && buffer[position] === 0 && buffer[position + 1] === 0) {
      return { ...header, contentStart, contentEnd: position, end: position + 2 };
    }
    position = readElement(buffer, position, limit, depth + 1).end;
  }
}
