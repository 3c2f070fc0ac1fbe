// What the objects hold and how records are placed into windows: configured once (config), used by every
// partition's dump (partition-dumper). Its own module so that neither imports the other.
import type { CompressionName } from './compression';
import type { FormatName, FormatSettings } from './format';

export interface ObjectSettings {
  format: FormatName;
  /** The format's own settings (the variables it declares), by name. */
  formatSettings: FormatSettings;
  compression: CompressionName;
  windowMinutes: number;
  windowGraceSeconds: number;
  flushOpenWindow: boolean;
  timestampToleranceMs: number;
}
