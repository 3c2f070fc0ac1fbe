// pino JSON lines for CLS. Secrets are scrubbed from the finished line, so a secret that leaks into an
// error message or a nested object is caught too, not only the fields we thought of.
import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** Values that must never reach a log line (SecretKey, session token, SASL password). */
  secrets?: Array<string | undefined>;
  base?: Record<string, unknown>;
  destination?: pino.DestinationStream;
}

const REDACTED = '[REDACTED]';
/** Field names whose values are secret whatever they hold. */
const SECRET_FIELDS = ['secretKey', 'SecretKey', 'sessionToken', 'SecurityToken', 'token', 'password', 'authorization', 'Authorization'];

export function scrubber(secrets: Array<string | undefined>): (line: string) => string {
  // Also match each secret as it appears inside a JSON string (quotes and backslashes escaped).
  const needles = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  needles.sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = scrubber(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]), censor: REDACTED },
      hooks: { streamWrite: scrub },
    },
    // process.stdout (synchronous for files and pipes): SCF sends it to CLS; the local emulator captures it per invocation.
    options.destination ?? process.stdout,
  );
}

/** Log lines into an array (tests and tools that read what a run logged). */
export function linesInto(lines: string[]): pino.DestinationStream {
  return { write: (line: string) => void lines.push(line) };
}

/** Drops every line (runs whose result is read, not their log). */
export const DISCARD_LOGS: pino.DestinationStream = { write: () => {} };
