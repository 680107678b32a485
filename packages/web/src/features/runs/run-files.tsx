import { useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { apiUrl } from '@/api/client';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { TimeCell } from '@/components/time-cell';
import { formatBytes } from '@/lib/format';
import { codeLabel } from '@/lib/labels';
import { runArtifactsQuery } from './runs.queries';

/** The log files of a run (HTTP trace, configuration, dumps…), each to download. */
export function RunFiles({ runId }: { runId: string }) {
  const { data, error, isPending, refetch } = useQuery(runArtifactsQuery(runId));
  if (isPending) return <LoadingState />;
  if (error !== null) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (data.items.length === 0)
    return <EmptyState title="This run has no log files">Connectors attach them as the run goes.</EmptyState>;
  return (
    <table className="w-full text-sm" aria-label="Log files">
      <thead>
        <tr className="border-b border-border text-left text-xs font-semibold tracking-wide text-muted-foreground uppercase">
          <th className="px-3 py-2">File</th>
          <th className="px-3 py-2">Kind</th>
          <th className="px-3 py-2 text-right">Size</th>
          <th className="px-3 py-2">Added</th>
          <th className="px-3 py-2">SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((file) => (
          <tr key={file.id} data-testid="file-row" className="border-b border-border/70">
            <td className="px-3 py-2">
              <a
                className="inline-flex items-center gap-1.5 text-primary hover:underline"
                href={apiUrl(`/runs/${runId}/artifacts/${file.id}`)}
                download={file.name}
              >
                <Download className="size-3.5" aria-hidden />
                {file.name}
              </a>
            </td>
            <td className="px-3 py-2">{codeLabel(file.kind)}</td>
            <td className="px-3 py-2 text-right tabular-nums">{formatBytes(file.sizeBytes)}</td>
            <td className="px-3 py-2">
              <TimeCell iso={file.createdAt} />
            </td>
            <td className="px-3 py-2 font-mono text-xs text-muted-foreground" title={file.sha256}>
              {file.sha256.slice(0, 16)}…
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
