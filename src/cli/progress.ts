// A one-line progress display on a terminal; silent when output is not a TTY (logs, CI).
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private last = 0;

  update(text: string, force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    process.stderr.write(`\r\x1b[K${text}`);
  }

  done(text?: string): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
    if (text) process.stderr.write(`${text}\n`);
  }
}
