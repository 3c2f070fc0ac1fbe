// SASL for the product's own fetch connections: PLAIN (what CKafka's public endpoints use) and SCRAM
// (RFC 5802, SHA-256 and SHA-512). Pure message building and checking; the connection carries the bytes.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** The mechanism name Kafka's SaslHandshake expects. */
export function kafkaMechanismName(mechanism: SaslMechanism): string {
  return mechanism.toUpperCase();
}

export function plainToken(username: string, password: string): Buffer {
  return Buffer.from(`\u0000${username}\u0000${password}`, 'utf8');
}

function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** A SCRAM exchange: first() gives the client-first message, then final() answers the server's challenge. */
export class ScramClient {
  private readonly nonce = randomBytes(24).toString('base64').replace(/[=,]/g, '');
  private readonly clientFirstBare: string;
  private serverSignature: Buffer | undefined;

  constructor(
    private readonly hash: 'sha256' | 'sha512',
    username: string,
    private readonly password: string,
  ) {
    this.clientFirstBare = `n=${saslName(username)},r=${this.nonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8');
    const fields = Object.fromEntries(text.split(',').map((part) => [part.slice(0, 1), part.slice(2)]));
    const serverNonce = fields.r;
    const salt = fields.s;
    const iterations = Number(fields.i);
    if (!serverNonce?.startsWith(this.nonce) || !salt || !Number.isInteger(iterations) || iterations < 1) {
      throw new Error(`malformed SCRAM server-first message: ${text}`);
    }
    const size = this.hash === 'sha256' ? 32 : 64;
    const salted = pbkdf2Sync(this.password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, size, this.hash);
    const clientKey = createHmac(this.hash, salted).update('Client Key').digest();
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${serverNonce}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const signature = createHmac(this.hash, storedKey).update(authMessage).digest();
    const proof = Buffer.alloc(size);
    for (let i = 0; i < size; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    const serverKey = createHmac(this.hash, salted).update('Server Key').digest();
    this.serverSignature = createHmac(this.hash, serverKey).update(authMessage).digest();
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Checks the server-final message: the server must prove it knows the password too. */
  verify(serverFinal: Buffer): void {
    const text = serverFinal.toString('utf8');
    if (text.startsWith('e=')) throw new Error(`SCRAM authentication failed: ${text.slice(2)}`);
    const given = Buffer.from(text.startsWith('v=') ? text.slice(2) : '', 'base64');
    if (!this.serverSignature || given.length !== this.serverSignature.length || !timingSafeEqual(given, this.serverSignature)) {
      throw new Error('SCRAM server signature does not match: the broker could not prove it knows the credentials');
    }
  }
}
