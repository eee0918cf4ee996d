import { BinaryView } from './binary-view.js';
import { MalformedDataError } from './errors.js';
import {
  CHUNK_STRING_POOL,
  CHUNK_XML,
  CHUNK_XML_END_ELEMENT,
  CHUNK_XML_RESOURCE_MAP,
  CHUNK_XML_START_ELEMENT,
  NO_INDEX,
  StringPool,
  iterateChildChunks,
  readChunk,
  readResValue,
  type ResValue,
} from './resource-chunks.js';

/** Bytes of an attribute record: namespace, name and raw-value indexes, then a Res_value. */
const ATTRIBUTE_RECORD_SIZE = 20;

export interface XmlAttribute {
  namespace: string | null;
  name: string;
  /** The attribute's resource ID from the resource map, which Android matches on in preference to the name. */
  resourceId: number | null;
  value: ResValue;
}

export interface XmlElement {
  /** 0 for the root element. */
  depth: number;
  namespace: string | null;
  name: string;
  attributes: XmlAttribute[];
}

/**
 * Parses Android binary XML (the compiled form of AndroidManifest.xml) and
 * passes each start element down to `maxDepth` to `visit`, in document order,
 * with the string pool its values index into. Only what the visitor keeps
 * stays in memory. Raises MalformedDataError for data that is not binary XML.
 */
export function parseBinaryXml(
  buffer: Buffer,
  maxDepth: number,
  visit: (element: XmlElement, strings: StringPool) => void,
): void {
  const file = new BinaryView(buffer);
  const root = readChunk(file, 0);
  if (root.type !== CHUNK_XML) {
    throw new MalformedDataError(`it starts with chunk type 0x${root.type.toString(16)}, not the binary XML type 0x0003`);
  }

  let strings: StringPool | null = null;
  let resourceIds: BinaryView | null = null;
  let depth = 0;

  for (const chunk of iterateChildChunks(root.view, root.headerSize)) {
    switch (chunk.type) {
      case CHUNK_STRING_POOL:
        strings ??= new StringPool(chunk);
        break;
      case CHUNK_XML_RESOURCE_MAP:
        resourceIds = chunk.view.view(chunk.headerSize, chunk.view.length - chunk.headerSize);
        break;
      case CHUNK_XML_START_ELEMENT:
        if (strings === null) {
          throw new MalformedDataError('an element comes before the string pool');
        }
        if (depth <= maxDepth) {
          visit(readStartElement(chunk.view, chunk.headerSize, depth, strings, resourceIds), strings);
        }
        depth++;
        break;
      case CHUNK_XML_END_ELEMENT:
        depth--;
        if (depth < 0) {
          throw new MalformedDataError('an element ends that never started');
        }
        break;
      default:
        // Namespace, text and unknown chunks carry nothing this module needs.
        break;
    }
  }

  if (strings === null) {
    throw new MalformedDataError('it has no string pool');
  }
}

function readStartElement(
  view: BinaryView,
  headerSize: number,
  depth: number,
  strings: StringPool,
  resourceIds: BinaryView | null,
): XmlElement {
  const namespaceIndex = view.u32(headerSize);
  const nameIndex = view.u32(headerSize + 4);
  const attributesStart = headerSize + view.u16(headerSize + 8);
  const attributeSize = view.u16(headerSize + 10);
  const attributeCount = view.u16(headerSize + 12);
  if (attributeCount > 0 && attributeSize < ATTRIBUTE_RECORD_SIZE) {
    throw new MalformedDataError(`attribute records of ${attributeSize} bytes are too short`);
  }

  const attributes: XmlAttribute[] = [];
  for (let index = 0; index < attributeCount; index++) {
    const offset = attributesStart + index * attributeSize;
    const attributeNameIndex = view.u32(offset + 4);
    attributes.push({
      namespace: optionalString(strings, view.u32(offset)),
      name: strings.get(attributeNameIndex),
      resourceId: lookUpResourceId(resourceIds, attributeNameIndex),
      value: readResValue(view, offset + 12),
    });
  }

  return {
    depth,
    namespace: optionalString(strings, namespaceIndex),
    name: strings.get(nameIndex),
    attributes,
  };
}

function optionalString(strings: StringPool, index: number): string | null {
  return index === NO_INDEX ? null : strings.get(index);
}

/** Looks up an attribute's resource ID: the resource map lists IDs by the string index of the attribute name. */
function lookUpResourceId(resourceIds: BinaryView | null, nameIndex: number): number | null {
  if (resourceIds === null || nameIndex >= Math.floor(resourceIds.length / 4)) {
    return null;
  }
  const id = resourceIds.u32(nameIndex * 4);
  return id === 0 ? null : id;
}
