import type { Run } from '@synctrail/types';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table';
import { canControl, useSession } from '@/features/session/session.queries';
import { callColumns, type PayloadPart } from './call-columns';
import { PayloadPanel } from './payload-panel';
import { runCallsQuery } from '@/features/runs/runs.queries';

/** The API calls a run made, with their payloads for those allowed to read them. */
export function RunCalls({
  run,
  openCall,
  part,
  onOpen,
  onClose,
}: {
  run: Run;
  openCall: string | undefined;
  part: PayloadPart;
  onOpen: (callId: string, part: PayloadPart) => void;
  onClose: () => void;
}) {
  const session = useSession();
  const calls = useInfiniteQuery(runCallsQuery(run.id));
  const mayRead = canControl(session, run.organizationId);
  const columns = useMemo(
    () => callColumns(mayRead ? (call, p) => onOpen(call.id, p) : null),
    [mayRead, onOpen],
  );
  return (
    <>
      <DataTable
        label="API calls of this run"
        columns={columns}
        query={calls}
        rowKey={(call) => call.id}
        emptyTitle="No API call is linked to this run"
        emptyHint="Connectors link calls to a run by sending its id with them."
        height="calc(100vh - 8rem)"
      />
      <PayloadPanel callId={openCall} part={part} onClose={onClose} />
    </>
  );
}
