/**
 * The log of one run: printed as it goes, and kept so it can be attached to the run at the end.
 *
 * @example
 * ```ts
 * const log = new RunLog('0190c0de…');
 * log.info('12 contacts in the CRM');
 * await run.attach('sync.log', 'OTHER', log.text());
 * ```
 */
export class RunLog {
  private readonly lines: string[] = [];

  constructor(private readonly runId: string) {}

  info(message: string): void {
    this.write('INFO ', message);
  }

  warn(message: string): void {
    this.write('WARN ', message);
  }

  error(message: string): void {
    this.write('ERROR', message);
  }

  /** Everything logged so far, one line per entry. */
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }

  private write(level: string, message: string): void {
    const line = `${new Date().toISOString()} ${level} ${message}`;
    this.lines.push(line);
    console.log(`[run ${this.runId}] ${line}`);
  }
}
