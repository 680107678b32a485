import { createContext, useContext, useEffect, useId, useRef, useState } from 'react';
import { cn } from '@/lib/cn';

export interface SearchWord {
  /** What a person types (any case, any prefix that is not ambiguous): `enabled`, `true`. */
  word: string;
  /** The filter's value in the URL and the API: `true`, `false`. */
  value: string;
}

/** The value a typed text stands for: the one word it begins (any case), `null` when none or several. */
export function resolveWord(text: string, words: readonly SearchWord[]): string | null {
  const typed = text.trim().toLowerCase();
  if (typed === '') return null;
  const matches = words.filter((w) => w.word.toLowerCase().startsWith(typed));
  return matches.length === 1 ? matches[0]!.value : null;
}

/**
 * The search box at the top of a column whose cells say one of a few words (Enabled / Disabled,
 * True / False): typing a word, or its beginning, in any case, filters the list; the URL keeps
 * the value. Anything else is marked invalid and filters nothing.
 */
export function ColumnSearch({
  label,
  words,
  value,
  onChange,
}: {
  /** The accessible name of the box: "Filter by synchronization status". */
  label: string;
  words: readonly SearchWord[];
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const hintId = useId();
  const wordOf = (v: string | undefined) => words.find((w) => w.value === v)?.word ?? '';
  const [draft, setDraft] = useState(() => wordOf(value));
  const resolved = resolveWord(draft, words);
  const invalid = draft.trim() !== '' && resolved === null;
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  // The URL changed elsewhere (Clear, the back button): show what it holds now.
  useEffect(() => {
    const shown = resolveWord(draft, words);
    if (shown === null ? value !== undefined : shown !== value) setDraft(wordOf(value));
  }, [value]);
  // What was typed applies a moment after typing stops (at once on Enter).
  useEffect(() => {
    if (invalid || (resolved ?? undefined) === value) return;
    const timer = setTimeout(() => latest.current(resolved ?? undefined), 250);
    return () => clearTimeout(timer);
  }, [invalid, resolved, value]);
  const hint = words.map((w) => w.word).join(' or ');
  return (
    <span className="flex flex-col gap-0.5">
      <input
        type="search"
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-describedby={hintId}
        value={draft}
        placeholder={hint}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !invalid) onChange(resolved ?? undefined);
        }}
        onClick={(event) => event.stopPropagation()}
        className={cn(
          'h-7 w-full min-w-0 rounded border border-input bg-background px-2 text-xs font-normal text-foreground placeholder:text-muted-foreground',
          invalid && 'border-red-600 outline-red-600',
        )}
      />
      <span id={hintId} className={cn('text-[11px] font-normal', invalid ? 'text-red-700' : 'sr-only')}>
        {invalid ? `Type ${hint}` : `Type ${hint}, in any case`}
      </span>
    </span>
  );
}

export interface ColumnFilterState {
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}

/** The filters drawn in column headers, by search key: the screen provides them around its table. */
export const ColumnFilters = createContext<Record<string, ColumnFilterState>>({});

/**
 * A column header with its search box under the title. Made once per column (not per render), so
 * that the box keeps its focus and what is typed while the URL changes under it.
 */
export function searchHeader(title: string, key: string, label: string, words: readonly SearchWord[]) {
  function SearchHeader() {
    const filter = useContext(ColumnFilters)[key];
    return (
      <span className="flex flex-col gap-1">
        <span>{title}</span>
        {filter !== undefined && (
          <ColumnSearch label={label} words={words} value={filter.value} onChange={filter.onChange} />
        )}
      </span>
    );
  }
  return SearchHeader;
}
