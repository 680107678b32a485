import type { Config } from '../config.js';
import type { App } from '../http/app-types.js';

/** Placeholder wiring replaced by the demo data generator. */
export async function loadDemoIfEmpty(_app: App, _token: string): Promise<void> {}
export async function loadDemoIntoFreshDatabase(_config: Config): Promise<void> {}
