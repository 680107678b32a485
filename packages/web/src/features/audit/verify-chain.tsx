import type { AuditVerification } from '@synctrail/types';
import { useMutation } from '@tanstack/react-query';
import { AlertTriangle, CheckCircle2, Loader2, ShieldCheck } from 'lucide-react';
import { errorMessage } from '@/api/client';
import { CopyButton } from '@/components/copy-button';
import { Button } from '@/components/ui/button';
import { verificationText } from './audit-labels';
import { verifyAuditChain } from './audit.queries';

export function useChainCheck() {
  return useMutation<AuditVerification, Error, void>({ mutationFn: verifyAuditChain });
}

type Check = ReturnType<typeof useChainCheck>;

/** Operators' button that walks the whole chain on the server; the banner says whether it holds. */
export function VerifyChainButton({ check }: { check: Check }) {
  return (
    <Button variant="outline" size="sm" disabled={check.isPending} onClick={() => check.mutate()}>
      {check.isPending ? <Loader2 className="animate-spin" aria-hidden /> : <ShieldCheck aria-hidden />}
      Verify chain
    </Button>
  );
}

/** The result line under the filters (kept apart from the button so it can be wide). */
export function VerificationBanner({ check }: { check: Check }) {
  if (check.isIdle) return null;
  if (check.isPending)
    return (
      <p role="status" className="text-sm text-muted-foreground">
        Verifying the chain…
      </p>
    );
  if (check.isError)
    return (
      <p
        role="alert"
        className="flex items-center gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
      >
        <AlertTriangle className="size-4 shrink-0" aria-hidden />
        The chain could not be checked: {errorMessage(check.error)}
      </p>
    );
  const result = check.data!;
  return (
    <div
      role="status"
      className={
        result.ok
          ? 'flex items-center gap-2 rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900'
          : 'flex items-center gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900'
      }
    >
      {result.ok ? (
        <CheckCircle2 className="size-4 shrink-0" aria-hidden />
      ) : (
        <AlertTriangle className="size-4 shrink-0" aria-hidden />
      )}
      <span data-testid="chain-result">{verificationText(result)}</span>
      {result.ok && <CopyButton text={result.headHash} label="Copy head hash" />}
    </div>
  );
}
