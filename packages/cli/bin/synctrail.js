#!/usr/bin/env node
// The `synctrail` command. A packed install (and a workspace after `npm run build`) runs the built
// JavaScript; a fresh clone after `npm ci` runs the TypeScript sources through tsx, with the
// `development` condition so that the workspace packages resolve to their sources too. Conditions
// are fixed when a process starts, hence a child process for the sources.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);

if (existsSync(built)) {
  const { main } = await import(built.href);
  await main(process.argv);
} else {
  const source = fileURLToPath(new URL('../src/run.ts', import.meta.url));
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    console.error(
      'synctrail: this checkout is not built and tsx is missing: run `npm ci` (or `npm run build`).',
    );
    process.exit(1);
  }
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code ?? 1);
    // End the same way the command did, so that a shell sees the signal.
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(name, forward);
    process.kill(process.pid, signal);
  });
}
