import { useQuery } from '@tanstack/react-query';
import { CodeView } from '@/components/code-view';
import { bodyKind } from '@/lib/body';
import { DetailPanel } from '@/components/detail-panel';
import { ErrorState, LoadingState } from '@/components/states';
import { formatAbsolute, timeZoneName } from '@/lib/format';
import type { PayloadPart } from './call-columns';
import { callQuery } from './calls.queries';

function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry === undefined ? undefined : [entry[1]].flat().join(', ');
}

/** A call's request or response: headers, then the body pretty-printed as JSON, XML, form or text. */
export function PayloadPanel({
  callId,
  part,
  onClose,
}: {
  callId: string | undefined;
  part: PayloadPart;
  onClose: () => void;
}) {
  const {
    data: call,
    error,
    isPending,
  } = useQuery({ ...callQuery(callId ?? ''), enabled: callId !== undefined });
  const message = call?.[part];
  const title = part === 'request' ? 'Request' : 'Response';
  return (
    <DetailPanel
      open={callId !== undefined}
      onClose={onClose}
      title={call === undefined ? title : `${title} · ${call.method} ${call.statusCode ?? ''}`}
      description={
        call === undefined ? undefined : `${call.url} · ${formatAbsolute(call.at)} ${timeZoneName()}`
      }
    >
      {isPending && callId !== undefined ? (
        <LoadingState />
      ) : error !== null ? (
        <ErrorState error={error} />
      ) : message !== undefined ? (
        <div className="flex flex-col gap-5">
          <section>
            <h3 className="mb-1.5 text-sm font-semibold">Headers</h3>
            {Object.keys(message.headers).length === 0 ? (
              <p className="text-sm text-muted-foreground">No headers were recorded.</p>
            ) : (
              <CodeView
                label={`${title} headers`}
                text={Object.entries(message.headers)
                  .map(([key, value]) => `${key}: ${[value].flat().join(', ')}`)
                  .join('\n')}
              />
            )}
          </section>
          <section>
            <h3 className="mb-1.5 text-sm font-semibold">Body</h3>
            {message.body === null || message.body === '' ? (
              <p className="text-sm text-muted-foreground">No body was recorded.</p>
            ) : (
              <CodeView
                label={`${title} body`}
                text={message.body}
                kind={bodyKind(message.body, headerValue(message.headers, 'content-type'))}
              />
            )}
          </section>
        </div>
      ) : null}
    </DetailPanel>
  );
}
