import {
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

const NUL = '\u0000';

// U+FFFD is Unicode's mark for a character that could not be represented.
const REPLACEMENT_CHARACTER = '\uFFFD';

function replaceNul(value: unknown): unknown {
  return typeof value === 'string' && value.includes(NUL) ? value.replaceAll(NUL, REPLACEMENT_CHARACTER) : value;
}

class NulReplacer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode, queryId?: QueryId): ValueNode {
    const value = replaceNul(node.value);
    return value === node.value ? super.transformValue(node, queryId) : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode, queryId?: QueryId): PrimitiveValueListNode {
    if (!node.values.some((value) => replaceNul(value) !== value)) return super.transformPrimitiveValueList(node, queryId);

    return { ...node, values: node.values.map(replaceNul) };
  }
}

/**
 * Replaces NUL characters in string parameters with U+FFFD. PostgreSQL
 * rejects NUL in text values ("invalid byte sequence for encoding UTF8:
 * 0x00"), while SQLite stores it, so without this a device report or a search
 * containing NUL would fail on PostgreSQL only. Lookups are replaced the same
 * way, so a value written with NUL is found again by the same input.
 */
export class NulReplacementPlugin implements KyselyPlugin {
  private readonly replacer = new NulReplacer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.replacer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
