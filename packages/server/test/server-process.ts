import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OPERATOR_TOKEN } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Calls the server over HTTP as the operator. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerProcessOptions {
  /** Extra flags for node itself (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** How long it may take to listen; 30 s by default. */
  startTimeoutMs?: number;
}

/** Starts `synctrail serve` as a real process and waits until it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  // Runs the TypeScript sources, with workspace packages resolved to their sources too.
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--conditions=development',
      '--import',
      'tsx',
      MAIN,
      'serve',
      '--port',
      env.PORT ?? '0',
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', SYNCTRAIL_BOOTSTRAP_TOKEN: OPERATOR_TOKEN, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${startTimeoutMs / 1000} s:\n${output}`)),
      startTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    async call(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
