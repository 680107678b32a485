import { Copy } from 'lucide-react';

/**
 * A column's name; a copyable one (the document's ⏍) carries a copy icon, and "(copyable)" for
 * screen readers, instead of a character most fonts cannot draw.
 */
export function ColumnLabel({ label, copyable = false }: { label: string; copyable?: boolean }) {
  if (!copyable) return <>{label}</>;
  return (
    <span className="inline-flex items-center gap-1" title={`${label}: each cell has a copy button`}>
      {label}
      <Copy className="size-3" aria-hidden />
      <span className="sr-only"> (copyable)</span>
    </span>
  );
}
