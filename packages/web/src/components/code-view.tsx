import { useMemo } from 'react';
import xmlFormat from 'xml-formatter';
import { CopyButton } from './copy-button';

export type BodyKind = 'json' | 'xml' | 'form' | 'text';

/** What a body is, from its content type first and its first character otherwise. */
export function bodyKind(body: string, contentType: string | undefined): BodyKind {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('json')) return 'json';
  if (type.includes('xml')) return 'xml';
  if (type.includes('x-www-form-urlencoded')) return 'form';
  const start = body.trimStart()[0];
  if (start === '{' || start === '[') return 'json';
  if (start === '<') return 'xml';
  return 'text';
}

/** The body pretty-printed for reading; a body that does not parse is shown as it came. */
export function prettyBody(body: string, kind: BodyKind): string {
  try {
    if (kind === 'json') return JSON.stringify(JSON.parse(body), null, 2);
    if (kind === 'xml') return xmlFormat(body, { indentation: '  ', collapseContent: true, lineSeparator: '\n' });
    if (kind === 'form')
      return [...new URLSearchParams(body)].map(([key, value]) => `${key} = ${value}`).join('\n');
  } catch {
    return body;
  }
  return body;
}

/** Masked secrets (`***`, `[MASKED]`, `••••`) marked so a reader sees they were hidden on purpose. */
const MASK = /(\*{3,}|\[MASKED[^\]]*\]|\[REDACTED[^\]]*\]|•{3,})/g;

export function CodeView({ text, label, kind }: { text: string; label: string; kind?: BodyKind }) {
  const pretty = useMemo(() => (kind === undefined ? text : prettyBody(text, kind)), [text, kind]);
  const parts = useMemo(() => pretty.split(MASK), [pretty]);
  return (
    <div className="relative">
      <div className="absolute top-2 right-2">
        <CopyButton text={pretty} label={`Copy ${label.toLowerCase()}`} />
      </div>
      <pre
        aria-label={label}
        tabIndex={0}
        className="max-h-[60vh] overflow-auto rounded-md border border-border bg-slate-50 p-3 pr-28 font-mono text-xs leading-relaxed whitespace-pre-wrap break-all"
      >
        {parts.map((part, i) =>
          i % 2 === 1 ? (
            <mark key={i} title="Masked by Synctrail before it was stored" className="rounded bg-amber-200 px-0.5 text-amber-950">
              {part}
            </mark>
          ) : (
            part
          ),
        )}
      </pre>
    </div>
  );
}
