import type { App } from './app-types.js';
import { AppError } from './errors.js';
import { refuseForeignCharset } from './content-type.js';
import { inspectJsonText } from './input-guard.js';

/** Accepts batches as NDJSON (one JSON value per line) as well as JSON arrays. */
export function registerNdjson(app: App) {
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson', 'application/jsonl'],
    { parseAs: 'string' },
    (request, body, done) => {
      try {
        refuseForeignCharset(request.headers['content-type']);
        // Each line is an item of the batch, one level below the body.
        inspectJsonText(request, body as string, 1);
      } catch (error) {
        done(error as Error, undefined);
        return;
      }
      const items: unknown[] = [];
      const lines = (body as string).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]?.trim();
        if (!line) continue;
        try {
          items.push(JSON.parse(line));
        } catch {
          done(
            new AppError(
              'invalid_body',
              `Line ${i + 1} of the NDJSON body is not valid JSON; nothing was stored.`,
              {
                line: i + 1,
              },
            ),
            undefined,
          );
          return;
        }
      }
      done(null, items);
    },
  );
}
