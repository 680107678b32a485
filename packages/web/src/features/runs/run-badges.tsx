import type { RunProgress, SyncStatus } from '@synctrail/types';
import { CircleAlert, CircleCheck, Info, Loader2, TriangleAlert } from 'lucide-react';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { progressLabel } from '@/lib/labels';

const STATUS_TONE: Record<SyncStatus, BadgeTone> = {
  OK: 'ok',
  INFO: 'info',
  WARNING: 'warning',
  ERROR: 'error',
};
const STATUS_ICON = { OK: CircleCheck, INFO: Info, WARNING: TriangleAlert, ERROR: CircleAlert };

export function StatusBadge({ status }: { status: SyncStatus }) {
  const Icon = STATUS_ICON[status];
  return (
    <Badge tone={STATUS_TONE[status]}>
      <Icon className="size-3" aria-hidden />
      {status}
    </Badge>
  );
}

const PROGRESS_TONE: Record<RunProgress, BadgeTone> = {
  PENDING: 'pending',
  RUNNING: 'running',
  ABORTION_PENDING: 'warning',
  ABORTED: 'neutral',
  FINISHED: 'neutral',
};

export function ProgressBadge({ progress }: { progress: RunProgress }) {
  return (
    <Badge tone={PROGRESS_TONE[progress]}>
      {(progress === 'RUNNING' || progress === 'ABORTION_PENDING') && (
        <Loader2 className="size-3 animate-spin" aria-hidden />
      )}
      {progressLabel(progress)}
    </Badge>
  );
}

/** The colours of the runs chart, one per status, in the order the bars stack. */
export const STATUS_COLOURS: Record<SyncStatus, string> = {
  OK: '#16a34a',
  INFO: '#2563eb',
  WARNING: '#d97706',
  ERROR: '#dc2626',
};
