// Thrift's compact protocol, write side only: the little that Parquet's page headers and footer need
// (structs, i32/i64, binary, lists, booleans). Integers are JavaScript numbers: every i64 in a footer we
// write (offsets, sizes, counts, timestamps) is a safe integer, so no BigInt is needed.

const enum CompactType {
  Stop = 0,
  True = 1,
  False = 2,
  I32 = 5,
  I64 = 6,
  Binary = 8,
  List = 9,
  Struct = 12,
}

export class ThriftWriter {
  private buffer: Buffer;
  private pos = 0;
  private lastField = 0;
  private readonly outer: number[] = [];

  constructor(capacity = 1024) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (a view, valid until the next write or reset). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
    this.lastField = 0;
    this.outer.length = 0;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + n));
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buffer[this.pos++] = b;
  }

  /** Unsigned varint of a non-negative safe integer (exact in doubles: only divisions by 128). */
  private varint(n: number): void {
    this.reserve(10);
    while (n >= 0x80) {
      this.buffer[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buffer[this.pos++] = n;
  }

  private zigzag(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError(`thrift integer ${n} is not a safe integer`);
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  private fieldHeader(id: number, type: CompactType): void {
    const delta = id - this.lastField;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.lastField = id;
  }

  i32(id: number, value: number): this {
    this.fieldHeader(id, CompactType.I32);
    this.zigzag(value);
    return this;
  }

  i64(id: number, value: number): this {
    this.fieldHeader(id, CompactType.I64);
    this.zigzag(value);
    return this;
  }

  bool(id: number, value: boolean): this {
    this.fieldHeader(id, value ? CompactType.True : CompactType.False);
    return this;
  }

  binary(id: number, value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.fieldHeader(id, CompactType.Binary);
    this.varint(bytes.length);
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Opens a struct-valued field; close it with end(). */
  struct(id: number): this {
    this.fieldHeader(id, CompactType.Struct);
    return this.begin();
  }

  /** Starts a struct's fields (a top-level struct, or a list element). */
  begin(): this {
    this.outer.push(this.lastField);
    this.lastField = 0;
    return this;
  }

  end(): this {
    this.byte(CompactType.Stop);
    this.lastField = this.outer.pop() ?? 0;
    return this;
  }

  /** A field holding an empty struct (Parquet's marker types: StringType, ListType, MilliSeconds...). */
  empty(id: number): this {
    return this.struct(id).end();
  }

  private listHeader(id: number, size: number, type: CompactType): void {
    this.fieldHeader(id, CompactType.List);
    if (size < 15) this.byte((size << 4) | type);
    else {
      this.byte(0xf0 | type);
      this.varint(size);
    }
  }

  /** A list of structs: each element is written by `each` between begin() and end(). */
  structList<T>(id: number, items: readonly T[], each: (item: T, index: number) => void): this {
    this.listHeader(id, items.length, CompactType.Struct);
    items.forEach((item, index) => {
      this.begin();
      each(item, index);
      this.end();
    });
    return this;
  }

  i32List(id: number, items: readonly number[]): this {
    this.listHeader(id, items.length, CompactType.I32);
    for (const item of items) this.zigzag(item);
    return this;
  }

  binaryList(id: number, items: readonly string[]): this {
    this.listHeader(id, items.length, CompactType.Binary);
    for (const item of items) {
      const bytes = Buffer.from(item, 'utf8');
      this.varint(bytes.length);
      this.reserve(bytes.length);
      this.buffer.set(bytes, this.pos);
      this.pos += bytes.length;
    }
    return this;
  }
}
