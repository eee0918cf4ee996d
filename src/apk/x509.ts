import {
  TAG_CLASS_CONTEXT,
  TAG_CLASS_UNIVERSAL,
  TAG_INTEGER,
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

/** Attribute keywords as apksigner prints them (through Java's X500Name); others print as the dotted OID. */
const ATTRIBUTE_KEYWORDS = new Map<string, string>([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SURNAME'],
  ['2.5.4.5', 'SERIALNUMBER'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'STREET'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'T'],
  ['2.5.4.42', 'GIVENNAME'],
  ['2.5.4.43', 'INITIALS'],
  ['2.5.4.44', 'GENERATION'],
  ['2.5.4.46', 'DNQ'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['1.2.840.113549.1.9.1', 'EMAILADDRESS'],
]);

const TAG_UTF8_STRING = 0x0c;
const TAG_PRINTABLE_STRING = 0x13;
const TAG_TELETEX_STRING = 0x14;
const TAG_IA5_STRING = 0x16;
const TAG_VISIBLE_STRING = 0x1a;
const TAG_UNIVERSAL_STRING = 0x1c;
const TAG_BMP_STRING = 0x1e;

/** Characters that make Java's X500Name put a value in double quotes. */
const QUOTE_TRIGGERS = /[,=\n+<>#;\\"]|^\s|\s$|\s\s/;

export interface CertificateNames {
  /** DER of the issuer Name and the serialNumber INTEGER, which PKCS#7 uses to point at a certificate. */
  issuer: Buffer;
  serialNumber: Buffer;
  subject: string;
}

/** Reads issuer, serial number and subject from an X.509 certificate. Raises MalformedDataError. */
export function readCertificateNames(der: Buffer): CertificateNames {
  const certificate = expectTag(readElement(der, 0, der.length), TAG_CLASS_UNIVERSAL, TAG_SEQUENCE, 'certificate');
  const tbsCertificate = expectTag(readChildren(der, certificate)[0], TAG_CLASS_UNIVERSAL, TAG_SEQUENCE, 'tbsCertificate');
  const fields = readChildren(der, tbsCertificate);
  // The version field is [0] EXPLICIT and absent from version 1 certificates.
  const first = isTag(fields[0], TAG_CLASS_CONTEXT, 0) ? 1 : 0;
  const serialNumber = expectTag(fields[first], TAG_CLASS_UNIVERSAL, TAG_INTEGER, 'serialNumber');
  const issuer = expectTag(fields[first + 2], TAG_CLASS_UNIVERSAL, TAG_SEQUENCE, 'issuer');
  const subject = expectTag(fields[first + 4], TAG_CLASS_UNIVERSAL, TAG_SEQUENCE, 'subject');
  return {
    issuer: elementBytes(der, issuer),
    serialNumber: elementBytes(der, serialNumber),
    subject: formatDistinguishedName(der, subject),
  };
}

/**
 * Formats a Name the way apksigner prints "certificate DN": relative names
 * from the last encoded to the first, joined by ", ", with multi-valued ones
 * joined by " + ". The fixture's "C=US, O=Android, CN=Android Debug" is
 * encoded CN first.
 */
export function formatDistinguishedName(der: Buffer, name: DerElement): string {
  const relativeNames = readChildren(der, name).map((set) => {
    expectTag(set, TAG_CLASS_UNIVERSAL, TAG_SET, 'relative distinguished name');
    return readChildren(der, set)
      .map((attribute) => formatAttribute(der, attribute))
      .join(' + ');
  });
  return relativeNames.reverse().join(', ');
}

function formatAttribute(der: Buffer, attribute: DerElement): string {
  expectTag(attribute, TAG_CLASS_UNIVERSAL, TAG_SEQUENCE, 'name attribute');
  const [type, value] = readChildren(der, attribute);
  const oid = decodeObjectIdentifier(contentBytes(der, expectTag(type, TAG_CLASS_UNIVERSAL, TAG_OBJECT_IDENTIFIER, 'attribute type')));
  const keyword = ATTRIBUTE_KEYWORDS.get(oid) ?? oid;
  if (value === undefined) {
    return `${keyword}=`;
  }
  const text = decodeDirectoryString(der, value);
  if (text === null) {
    // Values of other types print as '#' and the hex of their encoding.
    return `${keyword}=#${elementBytes(der, value).toString('hex')}`;
  }
  return `${keyword}=${quoteIfNeeded(text)}`;
}

function decodeDirectoryString(der: Buffer, value: DerElement): string | null {
  if (value.tagClass !== TAG_CLASS_UNIVERSAL || value.constructed) {
    return null;
  }
  const contents = contentBytes(der, value);
  switch (value.tagNumber) {
    case TAG_UTF8_STRING:
      return contents.toString('utf8');
    case TAG_PRINTABLE_STRING:
    case TAG_IA5_STRING:
    case TAG_VISIBLE_STRING:
    case TAG_TELETEX_STRING:
      return contents.toString('latin1');
    case TAG_BMP_STRING:
      return contents.length % 2 === 0 ? Buffer.from(contents).swap16().toString('utf16le') : null;
    case TAG_UNIVERSAL_STRING:
      return decodeUtf32BigEndian(contents);
    default:
      return null;
  }
}

function decodeUtf32BigEndian(contents: Buffer): string | null {
  if (contents.length % 4 !== 0) {
    return null;
  }
  let text = '';
  for (let offset = 0; offset < contents.length; offset += 4) {
    const codePoint = contents.readUInt32BE(offset);
    if (codePoint > 0x10ffff) {
      return null;
    }
    text += String.fromCodePoint(codePoint);
  }
  return text;
}

/** Quotes as Java's X500Name.toString does, escaping '"' and '\' inside the quotes. */
function quoteIfNeeded(text: string): string {
  if (!QUOTE_TRIGGERS.test(text)) {
    return text;
  }
  return `"${text.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}
