import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Download, ExternalLink } from 'lucide-react';
import type { ReactNode } from 'react';
import { apiUrl } from '@/api/client';
import { DetailPanel } from '@/components/detail-panel';
import { ErrorState, LoadingState } from '@/components/states';
import { Button } from '@/components/ui/button';
import { RunFiles } from '@/features/runs/run-files';
import { RunSummary } from '@/features/runs/run-summary';
import { runQuery } from '@/features/runs/runs.queries';
import { canControl, useSession } from '@/features/session/session.queries';
import { formatAbsolute, timeZoneName } from '@/lib/format';
import { integrationTypeLabel } from '@/lib/labels';
import { JobActions } from './job-actions';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold">{title}</h2>
      {children}
    </section>
  );
}

/**
 * Everything about one synchronization session, over the list it was opened from: its header and
 * counters, error source, category and exception, its first actions, its log files, and (for its
 * organization's ADMINs and operators) its logs as one .zip.
 */
export function JobDetailsPanel({
  runId,
  userLabel,
  onClose,
}: {
  runId: string | undefined;
  /** Whose session it is, as the list names them. */
  userLabel?: string | undefined;
  onClose: () => void;
}) {
  const session = useSession();
  const { data: run, error } = useQuery({ ...runQuery(runId ?? ''), enabled: runId !== undefined });
  const title = userLabel === undefined ? 'Job details' : `Job details · ${userLabel}`;
  const description =
    run === undefined
      ? undefined
      : `${integrationTypeLabel(run.integrationType)} · ${formatAbsolute(run.startedAt ?? run.requestedAt)} ${timeZoneName()}`;
  return (
    <DetailPanel open={runId !== undefined} onClose={onClose} title={title} description={description} wide>
      {run === undefined ? (
        error === null ? (
          <LoadingState />
        ) : (
          <ErrorState error={error} />
        )
      ) : (
        <div className="flex flex-col gap-5">
          <div className="flex flex-wrap items-center gap-2">
            <Button variant="outline" size="sm" asChild>
              <Link to="/runs/$runId" params={{ runId: run.id }}>
                <ExternalLink aria-hidden /> Logging details
              </Link>
            </Button>
            {canControl(session, run.organizationId) && (
              <Button variant="outline" size="sm" asChild>
                <a href={apiUrl(`/runs/${run.id}/bundle`)} download>
                  <Download aria-hidden /> Download logs (.zip)
                </a>
              </Button>
            )}
          </div>
          <RunSummary run={run} />
          <Section title="Actions">
            <JobActions runId={run.id} total={run.counters.processed} />
          </Section>
          <Section title="Log files">
            <RunFiles runId={run.id} />
          </Section>
        </div>
      )}
    </DetailPanel>
  );
}
