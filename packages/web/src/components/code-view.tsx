import { useMemo } from 'react';
import { prettyBody, type BodyKind } from '@/lib/body';
import { CopyButton } from './copy-button';

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
            <mark
              key={i}
              title="Masked by Synctrail before it was stored"
              className="rounded bg-amber-200 px-0.5 text-amber-950"
            >
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
