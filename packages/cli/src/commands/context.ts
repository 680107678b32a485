import type { Command } from 'commander';
import { ApiClient } from '../http/api-client.js';
import { Output } from '../output/output.js';
import { ProfileStore } from '../profiles/profile-store.js';

/** The options every command takes (set on the program, given before or after the command). */
export interface GlobalOptions {
  profile?: string;
  json?: boolean;
  ndjson?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** What a command's action works with: its output, the profile store, and a client for the profile. */
export interface Context {
  options: GlobalOptions;
  out: Output;
  store: ProfileStore;
  /** The client of the profile in use (fails with a usage error when nobody is logged in). */
  client(): ApiClient;
}

/** The context of the command being run. */
export function contextOf(command: Command): Context {
  const options = command.optsWithGlobals<GlobalOptions>();
  const store = new ProfileStore();
  let client: ApiClient | undefined;
  return {
    options,
    out: new Output(options),
    store,
    client: () => (client ??= new ApiClient(store.credentials(options.profile))),
  };
}
