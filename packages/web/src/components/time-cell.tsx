import { useNow } from '@/lib/use-now';
import { formatAbsolute, formatRelative, timeZoneName } from '@/lib/format';

/** An absolute time in the browser's zone with the relative time under it; the zone in the tooltip. */
export function TimeCell({ iso }: { iso: string | null }) {
  const now = useNow(30_000);
  if (iso === null) return <span className="text-muted-foreground">—</span>;
  return (
    <time
      dateTime={iso}
      title={`${formatAbsolute(iso)} ${timeZoneName()} (${iso})`}
      className="leading-tight"
    >
      <span className="block tabular-nums whitespace-nowrap">{formatAbsolute(iso)}</span>
      <span className="block text-xs text-muted-foreground">{formatRelative(iso, now)}</span>
    </time>
  );
}
