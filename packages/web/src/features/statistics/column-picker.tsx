import { Check, Menu, RotateCcw } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ColumnLabel } from './column-label';

export interface PickableColumn {
  id: string;
  label: string;
  /** Its cells copy their value (the document's ⏍). */
  copyable?: boolean;
}

/**
 * Which columns a list shows: the URL's `cols=` when it has one (a shared link shows what its author
 * saw), else this browser's last choice (localStorage), else the defaults. A choice goes to both.
 */
export function useColumnChoice(
  storageKey: string,
  columns: readonly PickableColumn[],
  defaults: readonly string[],
  fromUrl: string | undefined,
  toUrl: (cols: string) => void,
): { visible: string[]; choose: (visible: string[]) => void } {
  const known = (ids: readonly string[]) => columns.map((c) => c.id).filter((id) => ids.includes(id));
  const [stored, setStored] = useState<string[] | null>(() => readStored(storageKey));
  const urlChoice = fromUrl === undefined ? [] : known(fromUrl.split(','));
  const visible =
    urlChoice.length > 0
      ? urlChoice
      : stored !== null && known(stored).length > 0
        ? known(stored)
        : [...defaults];
  return {
    visible,
    choose: (next) => {
      const ordered = known(next);
      try {
        localStorage.setItem(storageKey, JSON.stringify(ordered));
      } catch {
        // Private windows may refuse storage: the URL still keeps the choice.
      }
      setStored(ordered);
      toUrl(ordered.join(','));
    },
  };
}

function readStored(key: string): string[] | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** The ☰ menu that shows and hides columns; the last visible one cannot be hidden. */
export function ColumnPicker({
  columns,
  visible,
  defaults,
  onChange,
}: {
  columns: readonly PickableColumn[];
  visible: readonly string[];
  defaults: readonly string[];
  onChange: (visible: string[]) => void;
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <Button variant="outline" size="sm" aria-label="Columns" title="Columns">
          <Menu aria-hidden />
        </Button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          className="z-50 min-w-52 rounded-md border border-border bg-background p-1 text-sm shadow-lg"
        >
          <DropdownMenu.Label className="px-2 py-1.5 text-xs font-semibold text-muted-foreground">
            Columns
          </DropdownMenu.Label>
          {columns.map((column) => {
            const checked = visible.includes(column.id);
            return (
              <DropdownMenu.CheckboxItem
                key={column.id}
                checked={checked}
                disabled={checked && visible.length === 1}
                // The menu stays open so several columns can be picked in a row.
                onSelect={(event) => event.preventDefault()}
                onCheckedChange={(on) =>
                  onChange(on ? [...visible, column.id] : visible.filter((id) => id !== column.id))
                }
                className="relative flex cursor-pointer items-center gap-2 rounded py-1.5 pr-2 pl-8 outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-muted"
              >
                <span className="absolute left-2 flex size-4 items-center justify-center rounded border border-input bg-background">
                  <DropdownMenu.ItemIndicator>
                    <Check className="size-3 text-primary" strokeWidth={3} aria-hidden />
                  </DropdownMenu.ItemIndicator>
                </span>
                <ColumnLabel label={column.label} copyable={column.copyable ?? false} />
              </DropdownMenu.CheckboxItem>
            );
          })}
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          <DropdownMenu.Item
            onSelect={() => onChange([...defaults])}
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 outline-none select-none data-[highlighted]:bg-muted"
          >
            <RotateCcw className="size-3.5" aria-hidden /> Default columns
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
