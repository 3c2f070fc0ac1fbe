// Writes Kafka protocol requests (the few this product sends on its own fetch connections).

export class Encoder {
  private chunks: Buffer[] = [];
  private length = 0;

  private push(chunk: Buffer): this {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this;
  }

  int8(value: number): this {
    const b = Buffer.allocUnsafe(1);
    b.writeInt8(value);
    return this.push(b);
  }

  int16(value: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(value);
    return this.push(b);
  }

  int32(value: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(value);
    return this.push(b);
  }

  int64(value: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(value));
    return this.push(b);
  }

  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, 'utf8');
    return this.int16(bytes.length).push(bytes);
  }

  bytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    return this.int32(value.length).push(value);
  }

  array<T>(items: T[], write: (encoder: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  /** The request framed for the wire: size, then header (v1: api key, version, correlation id, client id), then body. */
  frame(apiKey: number, apiVersion: number, correlationId: number, clientId: string): Buffer {
    const header = new Encoder().int16(apiKey).int16(apiVersion).int32(correlationId).string(clientId);
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(header.length + this.length);
    return Buffer.concat([size, ...header.chunks, ...this.chunks]);
  }
}
