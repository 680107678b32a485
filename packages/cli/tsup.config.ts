import { defineConfig } from 'tsup';

/**
 * One ESM file with @synctrail/sdk and @synctrail/types inside (they are not on the npm registry),
 * bundled from their sources (the `development` condition): the CLI builds on its own, whether or not
 * their dist/ is built, and never races a build of theirs.
 */
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  clean: true,
  noExternal: ['@synctrail/sdk', '@synctrail/types'],
  external: ['@synctrail/server'],
  esbuildOptions(options) {
    options.conditions = ['development'];
  },
});
