import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from './ui/button';

/**
 * Copies `text` to the clipboard and says so for two seconds. `compact` shows the icon alone (the
 * label is its accessible name and tooltip), for a button inside a table cell.
 */
export function CopyButton({
  text,
  label = 'Copy',
  compact = false,
}: {
  text: string;
  label?: string;
  compact?: boolean;
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <Button
      variant={compact ? 'ghost' : 'outline'}
      size={compact ? 'icon' : 'xs'}
      // The visible "Copied" stays part of the name, and the name still starts with the label.
      aria-label={copied ? `${label}: copied` : label}
      title={compact ? label : undefined}
      className={compact ? 'size-7 shrink-0 text-muted-foreground hover:text-foreground' : undefined}
      onClick={async (event) => {
        event.stopPropagation();
        await navigator.clipboard.writeText(text);
        setCopied(true);
      }}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      <span aria-live="polite" className={compact ? 'sr-only' : undefined}>
        {copied ? 'Copied' : label}
      </span>
    </Button>
  );
}
