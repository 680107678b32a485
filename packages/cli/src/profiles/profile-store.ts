import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, usageError } from '../exit-codes.js';

/** A console session kept by `synctrail login --email`: the cookie the server set and its CSRF token. */
export interface StoredSession {
  cookieName: string;
  cookie: string;
  csrfToken: string | null;
  expiresAt: string | null;
  email: string;
}

/** One profile of the config file: a server and how to authenticate to it. */
export interface Profile {
  url: string;
  token?: string;
  session?: StoredSession;
}

/** `config.json`: the profiles, and the one used when none is named. */
export interface ConfigFile {
  current?: string;
  profiles: Record<string, Profile>;
}

/** What a command talks to the server with, after the environment's overrides. */
export interface Credentials extends Profile {
  /** The profile it came from, if any (SYNCTRAIL_URL and SYNCTRAIL_TOKEN alone need none). */
  profile: string | null;
}

/** The environment the store reads (injected for tests; `process.env` by default). */
export type Env = Record<string, string | undefined>;

/** `$XDG_CONFIG_HOME/synctrail` or `~/.config/synctrail`. */
export function configDir(env: Env = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'synctrail');
}

/** The profiles on disk: read on demand, written whole (mode 0600 in a 0700 directory). */
export class ProfileStore {
  readonly dir: string;
  readonly file: string;

  constructor(private readonly env: Env = process.env) {
    this.dir = configDir(env);
    this.file = join(this.dir, 'config.json');
  }

  read(): ConfigFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
      throw new CliError(`Cannot read ${this.file}: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
    try {
      const parsed = JSON.parse(text) as Partial<ConfigFile>;
      return { ...parsed, profiles: parsed.profiles ?? {} };
    } catch (error) {
      throw new CliError(`${this.file} is not valid JSON: fix it or delete it and log in again.`, undefined, {
        cause: error,
      });
    }
  }

  /** Writes the file through a temporary one, so that a crash never leaves half a file. */
  write(config: ConfigFile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
  }

  /** The profile a command uses: `--profile`, else `SYNCTRAIL_PROFILE`, else the current one, else `default`. */
  profileName(flag: string | undefined): string {
    return flag ?? this.env.SYNCTRAIL_PROFILE ?? this.read().current ?? 'default';
  }

  save(name: string, profile: Profile): void {
    const config = this.read();
    config.profiles[name] = profile;
    config.current = name;
    this.write(config);
  }

  /** Removes a profile; false when there was none of that name. */
  remove(name: string): boolean {
    const config = this.read();
    if (!config.profiles[name]) return false;
    delete config.profiles[name];
    if (config.current === name) delete config.current;
    this.write(config);
    return true;
  }

  /** The credentials of a command: its profile, with SYNCTRAIL_URL and SYNCTRAIL_TOKEN over it. */
  credentials(flag: string | undefined): Credentials {
    const named = flag ?? this.env.SYNCTRAIL_PROFILE;
    const name = this.profileName(flag);
    const stored = this.read().profiles[name];
    const url = this.env.SYNCTRAIL_URL || stored?.url;
    const token = this.env.SYNCTRAIL_TOKEN || stored?.token;
    if (named !== undefined && !stored && !(this.env.SYNCTRAIL_URL && this.env.SYNCTRAIL_TOKEN)) {
      throw usageError(
        `There is no profile "${named}" in ${this.file}: create it with \`synctrail login --profile ${named} --url URL --token TOKEN\`.`,
      );
    }
    if (!url || (!token && !stored?.session)) {
      throw usageError(
        'Not logged in: run `synctrail login --url URL --token TOKEN` (or --email), or set SYNCTRAIL_URL and SYNCTRAIL_TOKEN.',
      );
    }
    return {
      profile: stored ? name : null,
      url,
      ...(token ? { token } : stored?.session ? { session: stored.session } : {}),
    };
  }
}
