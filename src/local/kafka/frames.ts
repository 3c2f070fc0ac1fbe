// Kafka's wire framing as a recorder or a stand-in broker sees it: size-prefixed frames cut out of a TCP
// stream, the header fields a request starts with, and the two edits a replayed answer needs (its
// correlation id, and the broker address it advertises). Pure: no sockets here.

/** Cuts complete frames (each with its 4-byte size prefix) out of the chunks a socket delivers. */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes = 64 * 1024 * 1024) {}

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 4) {
      const size = this.pending.readInt32BE(0);
      if (size < 0 || size > this.maxFrameBytes) throw new Error(`a Kafka frame of ${size} bytes: not Kafka's protocol, or out of step`);
      if (this.pending.length < 4 + size) break;
      frames.push(Buffer.from(this.pending.subarray(0, 4 + size)));
      this.pending = this.pending.subarray(4 + size);
    }
    return frames;
  }
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

/** The fields every request version starts with (after the size). */
export function requestHeader(frame: Buffer): RequestHeader {
  if (frame.length < 12) throw new Error(`a Kafka request of ${frame.length} bytes has no header`);
  return { apiKey: frame.readInt16BE(4), apiVersion: frame.readInt16BE(6), correlationId: frame.readInt32BE(8) };
}

/** The correlation id a response frame answers. */
export function responseCorrelationId(frame: Buffer): number {
  if (frame.length < 8) throw new Error(`a Kafka response of ${frame.length} bytes has no correlation id`);
  return frame.readInt32BE(4);
}

/** A copy of a response frame answering another correlation id. */
export function withCorrelationId(frame: Buffer, correlationId: number): Buffer {
  const copy = Buffer.from(frame);
  copy.writeInt32BE(correlationId, 4);
  return copy;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/** Metadata and FindCoordinator: the answers that tell a client where to connect. */
export const ADDRESSING_API_KEYS: ReadonlySet<number> = new Set([3, 10]);

/**
 * A copy of a response frame in which every broker address `from` reads `to`: the host as a STRING
 * (int16 length) or a COMPACT_STRING (varint length + 1, flexible versions), followed by the int32 port,
 * as Metadata and FindCoordinator write them. The frame's size follows the host's length.
 */
export function readvertise(frame: Buffer, from: BrokerAddress, to: BrokerAddress): Buffer {
  const host = Buffer.from(from.host, 'utf8');
  const port = Buffer.alloc(4);
  port.writeInt32BE(from.port);
  const newHost = Buffer.from(to.host, 'utf8');
  const newPort = Buffer.alloc(4);
  newPort.writeInt32BE(to.port);
  const pieces: Buffer[] = [];
  let copied = 4;
  for (let at = frame.indexOf(host, 4); at >= 0; at = frame.indexOf(host, at + host.length)) {
    const after = at + host.length;
    if (!frame.subarray(after, after + 4).equals(port)) continue;
    const prefix = lengthPrefixBefore(frame, at, host.length);
    if (prefix === undefined) continue;
    pieces.push(frame.subarray(copied, at - prefix.bytes), prefix.compact ? compactLength(newHost.length) : int16Length(newHost.length), newHost, newPort);
    copied = after + 4;
  }
  if (pieces.length === 0) return Buffer.from(frame);
  pieces.push(frame.subarray(copied));
  const body = Buffer.concat(pieces);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function lengthPrefixBefore(frame: Buffer, at: number, length: number): { bytes: number; compact: boolean } | undefined {
  if (at >= 2 && frame.readInt16BE(at - 2) === length) return { bytes: 2, compact: false };
  const compact = compactLength(length);
  if (at >= compact.length && frame.subarray(at - compact.length, at).equals(compact)) return { bytes: compact.length, compact: true };
  return undefined;
}

function int16Length(length: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(length);
  return b;
}

/** An unsigned varint of length + 1, as COMPACT_STRING prefixes its bytes. */
function compactLength(length: number): Buffer {
  const bytes: number[] = [];
  let v = length + 1;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
