import { ChevronDown, X } from 'lucide-react';
import { Popover } from 'radix-ui';
import { useEffect, useId, useState, type ReactNode } from 'react';
import {
  RANGE_PRESETS,
  clearFilters,
  hasFilters,
  joinMulti,
  splitMulti,
  withFilter,
  withRange,
  type FilterDef,
  type FilterOption,
  type RangePreset,
  type Search,
} from '@/lib/filters';
import { fromLocalInput, toLocalInput } from '@/lib/local-time';
import { Button } from './ui/button';
import { Input, NativeSelect } from './ui/input';

export type LoadedOptions = Record<string, readonly FilterOption[] | undefined>;

interface FilterBarProps {
  defs: readonly FilterDef[];
  search: Search;
  onChange: (next: Search) => void;
  /** Options loaded at run time, by filter key, for the filters that have no fixed list. */
  options?: LoadedOptions;
  /** Buttons at the end of the bar (exports, pause). */
  children?: ReactNode;
}

/** The filters of a list, written to the URL as they change; `Clear` removes them all. */
export function FilterBar({ defs, search, onChange, options = {}, children }: FilterBarProps) {
  return (
    <div role="search" aria-label="Filters" className="flex flex-wrap items-end gap-x-3 gap-y-2">
      {defs
        .filter((def) => def.placement !== 'column')
        .map((def) => (
          <FilterControl
            key={def.key}
            def={def}
            options={('options' in def ? def.options : undefined) ?? options[def.key] ?? []}
            search={search}
            onChange={onChange}
          />
        ))}
      <Button
        variant="ghost"
        size="sm"
        className="mb-0.5"
        disabled={!hasFilters(defs, search)}
        onClick={() => onChange(clearFilters(defs, search))}
      >
        <X aria-hidden /> Clear
      </Button>
      <div className="ml-auto flex items-end gap-2">{children}</div>
    </div>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-muted-foreground">
        {label}
      </label>
      {children}
    </div>
  );
}

function FilterControl({
  def,
  options,
  search,
  onChange,
}: {
  def: FilterDef;
  options: readonly FilterOption[];
  search: Search;
  onChange: (s: Search) => void;
}) {
  const id = useId();
  switch (def.kind) {
    case 'multi':
      return (
        <Field id={id} label={def.label}>
          <MultiSelect
            id={id}
            label={def.label}
            options={options}
            selected={splitMulti(search[def.key])}
            onChange={(values) => onChange(withFilter(search, def.key, joinMulti(values)))}
          />
        </Field>
      );
    case 'select':
      return (
        <Field id={id} label={def.label}>
          <NativeSelect
            id={id}
            value={search[def.key] ?? ''}
            onChange={(e) => onChange(withFilter(search, def.key, e.target.value))}
            className="max-w-56"
          >
            <option value="">All</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </NativeSelect>
        </Field>
      );
    case 'text':
      return (
        <Field id={id} label={def.label}>
          <TextFilter
            id={id}
            value={search[def.key] ?? ''}
            placeholder={def.placeholder}
            suggestions={def.suggestions}
            accept={def.accept}
            onCommit={(value) => onChange(withFilter(search, def.key, value.trim()))}
          />
        </Field>
      );
    case 'range':
      return <RangeFilter id={id} label={def.label} search={search} onChange={onChange} />;
  }
}

/**
 * Text filters apply 350 ms after typing stops, or at once on Enter. With `accept`, text that does
 * not match is not applied: the field says what it takes instead.
 */
function TextFilter({
  id,
  value,
  placeholder,
  suggestions,
  accept,
  onCommit,
}: {
  id: string;
  value: string;
  placeholder: string | undefined;
  suggestions?: readonly string[] | undefined;
  accept?: { pattern: RegExp; hint: string } | undefined;
  onCommit: (value: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const invalid = accept !== undefined && draft.trim() !== '' && !accept.pattern.test(draft.trim());
  useEffect(() => {
    if (draft === value || invalid) return;
    const timer = setTimeout(() => onCommit(draft), 350);
    return () => clearTimeout(timer);
  }, [draft, value, invalid, onCommit]);
  return (
    <>
      <Input
        id={id}
        type="search"
        value={draft}
        placeholder={placeholder}
        className={invalid ? 'w-48 border-red-600' : 'w-48'}
        list={suggestions === undefined ? undefined : `${id}-suggestions`}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-hint` : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !invalid) onCommit(draft);
        }}
      />
      {suggestions !== undefined && (
        <datalist id={`${id}-suggestions`}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
      {invalid && (
        <span id={`${id}-hint`} className="max-w-48 text-xs text-red-700">
          {accept?.hint}
        </span>
      )}
    </>
  );
}

function MultiSelect({
  id,
  label,
  options,
  selected,
  onChange,
}: {
  id: string;
  label: string;
  options: readonly { value: string; label: string }[];
  selected: string[];
  onChange: (values: string[]) => void;
}) {
  const chosen = options.filter((o) => selected.includes(o.value));
  const summary =
    chosen.length === 0
      ? 'All'
      : chosen.length <= 2
        ? chosen.map((o) => o.label).join(', ')
        : `${chosen.length} selected`;
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button
          id={id}
          variant="outline"
          className="max-w-60 justify-between font-normal"
          aria-label={`${label}: ${summary}`}
        >
          <span className="truncate">{summary}</span>
          <ChevronDown className="text-muted-foreground" aria-hidden />
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={4}
          className="z-50 max-h-80 min-w-52 overflow-auto rounded-md border border-border bg-background p-1 shadow-lg"
        >
          <fieldset>
            <legend className="sr-only">{label}</legend>
            {options.map((option) => {
              const checked = selected.includes(option.value);
              return (
                <label
                  key={option.value}
                  className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-muted"
                >
                  <input
                    type="checkbox"
                    className="size-4 accent-[var(--color-primary)]"
                    checked={checked}
                    onChange={() =>
                      onChange(
                        checked
                          ? selected.filter((v) => v !== option.value)
                          : options
                              .map((o) => o.value)
                              .filter((v) => v === option.value || selected.includes(v)),
                      )
                    }
                  />
                  {option.label}
                </label>
              );
            })}
          </fieldset>
          {selected.length > 0 && (
            <Button variant="ghost" size="xs" className="mt-1 w-full" onClick={() => onChange([])}>
              Show all
            </Button>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function RangeFilter({
  id,
  label,
  search,
  onChange,
}: {
  id: string;
  label: string;
  search: Search;
  onChange: (s: Search) => void;
}) {
  const custom = search.range === undefined && (search.from !== undefined || search.to !== undefined);
  const [editing, setEditing] = useState(custom);
  const value = search.range ?? (custom || editing ? 'custom' : '');
  return (
    <div className="flex items-end gap-2">
      <Field id={id} label={label}>
        <NativeSelect
          id={id}
          value={value}
          onChange={(e) => {
            const next = e.target.value;
            setEditing(next === 'custom');
            if (next === 'custom')
              onChange(withRange(search, { from: new Date(Date.now() - 86_400_000).toISOString() }));
            else if (next === '') onChange(withRange(search, {}));
            else onChange(withRange(search, { preset: next as RangePreset }));
          }}
        >
          <option value="">All time</option>
          {RANGE_PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </NativeSelect>
      </Field>
      {value === 'custom' && (
        <>
          <Field id={`${id}-from`} label="From">
            <Input
              id={`${id}-from`}
              type="datetime-local"
              className="w-52"
              value={toLocalInput(search.from)}
              onChange={(e) =>
                onChange(withRange(search, rangeOf(fromLocalInput(e.target.value), search.to)))
              }
            />
          </Field>
          <Field id={`${id}-to`} label="To">
            <Input
              id={`${id}-to`}
              type="datetime-local"
              className="w-52"
              value={toLocalInput(search.to)}
              onChange={(e) =>
                onChange(withRange(search, rangeOf(search.from, fromLocalInput(e.target.value))))
              }
            />
          </Field>
        </>
      )}
    </div>
  );
}

function rangeOf(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}
