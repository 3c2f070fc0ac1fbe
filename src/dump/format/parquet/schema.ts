// The fixed schema of every Parquet object: one row per Kafka record. Types and layouts are the ones
// Hive, Spark, DuckDB and Arrow all read: logical types with their legacy converted types beside them,
// and headers as the standard three-level LIST of structs (not a MAP: Kafka headers are ordered and may
// repeat a key, which a map would refuse or collapse).
import type { ThriftWriter } from './thrift';

export const enum PhysicalType {
  Int32 = 1,
  Int64 = 2,
  ByteArray = 6,
}

const enum Repetition {
  Required = 0,
  Optional = 1,
  Repeated = 2,
}

const enum ConvertedType {
  Utf8 = 0,
  List = 3,
  TimestampMillis = 9,
}

const enum Logical {
  String = 1,
  List = 3,
  TimestampMillisUtc = 8,
}

interface SchemaNode {
  name: string;
  repetition?: Repetition;
  type?: PhysicalType;
  logical?: Logical;
  children?: SchemaNode[];
}

const CONVERTED: Record<Logical, ConvertedType> = {
  [Logical.String]: ConvertedType.Utf8,
  [Logical.List]: ConvertedType.List,
  [Logical.TimestampMillisUtc]: ConvertedType.TimestampMillis,
};

const leaf = (name: string, type: PhysicalType, repetition: Repetition, logical?: Logical): SchemaNode => ({ name, type, repetition, logical });

const ROOT: SchemaNode = {
  name: 'schema',
  children: [
    leaf('partition', PhysicalType.Int32, Repetition.Required),
    leaf('offset', PhysicalType.Int64, Repetition.Required),
    leaf('timestamp', PhysicalType.Int64, Repetition.Optional, Logical.TimestampMillisUtc),
    leaf('key', PhysicalType.ByteArray, Repetition.Optional, Logical.String),
    leaf('key_bytes', PhysicalType.ByteArray, Repetition.Optional),
    leaf('value', PhysicalType.ByteArray, Repetition.Optional, Logical.String),
    leaf('value_bytes', PhysicalType.ByteArray, Repetition.Optional),
    {
      name: 'headers',
      repetition: Repetition.Optional,
      logical: Logical.List,
      children: [
        {
          name: 'list',
          repetition: Repetition.Repeated,
          children: [
            {
              name: 'element',
              repetition: Repetition.Required,
              children: [leaf('key', PhysicalType.ByteArray, Repetition.Required, Logical.String), leaf('value', PhysicalType.ByteArray, Repetition.Optional)],
            },
          ],
        },
      ],
    },
  ],
};

/** A leaf column: where its values sit in the schema and the levels that place them. */
export interface LeafColumn {
  path: string[];
  type: PhysicalType;
  maxDefinition: number;
  maxRepetition: number;
}

function leaves(node: SchemaNode, path: string[], def: number, rep: number, out: LeafColumn[]): LeafColumn[] {
  for (const child of node.children ?? []) {
    const childDef = def + (child.repetition === Repetition.Required ? 0 : 1);
    const childRep = rep + (child.repetition === Repetition.Repeated ? 1 : 0);
    const childPath = [...path, child.name];
    if (child.children) leaves(child, childPath, childDef, childRep, out);
    else out.push({ path: childPath, type: child.type!, maxDefinition: childDef, maxRepetition: childRep });
  }
  return out;
}

/** The leaf columns in file order (the order of column chunks in every row group). */
export const COLUMNS: readonly LeafColumn[] = leaves(ROOT, [], 0, 0, []);

/** Indexes into COLUMNS. */
export const enum Col {
  Partition,
  Offset,
  Timestamp,
  Key,
  KeyBytes,
  Value,
  ValueBytes,
  HeaderKey,
  HeaderValue,
}

/** Writes the schema as FileMetaData's flattened list of SchemaElement (depth first). */
export function writeSchema(w: ThriftWriter, fieldId: number): void {
  const flat: SchemaNode[] = [];
  const walk = (node: SchemaNode) => {
    flat.push(node);
    node.children?.forEach(walk);
  };
  walk(ROOT);
  w.structList(fieldId, flat, (node) => {
    if (node.type !== undefined) w.i32(1, node.type);
    if (node.repetition !== undefined) w.i32(3, node.repetition);
    w.binary(4, node.name);
    if (node.children) w.i32(5, node.children.length);
    if (node.logical !== undefined) {
      w.i32(6, CONVERTED[node.logical]);
      w.struct(10);
      if (node.logical === Logical.TimestampMillisUtc) {
        w.struct(Logical.TimestampMillisUtc).bool(1, true).struct(2).empty(1).end().end();
      } else {
        w.empty(node.logical);
      }
      w.end();
    }
  });
}
