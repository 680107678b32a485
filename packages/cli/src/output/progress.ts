import { SingleBar } from 'cli-progress';
import type { Output } from './output.js';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Bytes received so far, drawn on stderr: a bar with ETA when the size is known, else size, rate and time. */
export interface Progress {
  advance(bytes: number): void;
  stop(): void;
}

const SILENT: Progress = { advance: () => undefined, stop: () => undefined };

/** A progress bar for a download, on stderr and only on a terminal (and not with `--quiet`). */
export function downloadProgress(out: Output, label: string, total: number | undefined): Progress {
  if (!out.interactive) return SILENT;
  const started = Date.now();
  const bar = new SingleBar({
    stream: out.stderr,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
    fps: 8,
    format: (options, params) => {
      const elapsed = (Date.now() - started) / 1000;
      const rate = elapsed > 0 ? params.value / elapsed : 0;
      const stats = `${bytes(params.value)}  ${bytes(rate)}/s  ${clock(elapsed)}`;
      if (!total) return `${label}  ${stats}`;
      const width = options.barsize ?? 30;
      const done = Math.round(params.progress * width);
      const eta = rate > 0 ? clock((total - params.value) / rate) : '-:--';
      return `${label}  [${'='.repeat(done)}${' '.repeat(width - done)}] ${Math.floor(params.progress * 100)}%  ${stats} of ${bytes(total)}  ETA ${eta}`;
    },
  });
  bar.start(total ?? 0, 0);
  let received = 0;
  return {
    advance(n) {
      received += n;
      bar.update(received);
    },
    stop() {
      bar.stop();
    },
  };
}
