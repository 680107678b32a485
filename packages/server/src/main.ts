#!/usr/bin/env node
import { runCli } from './cli/cli.js';

runCli(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (error instanceof Error && error.cause) console.error('cause:', error.cause);
  process.exitCode = 1;
});
