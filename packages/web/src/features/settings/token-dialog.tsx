import type { ApiKeyCreated } from '@synctrail/types';
import { AlertTriangle } from 'lucide-react';
import { CopyButton } from '@/components/copy-button';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '@/components/ui/dialog';

/** The new key's token, the only time anyone sees it: copy it now. */
export function TokenDialog({ created, onClose }: { created: ApiKeyCreated | null; onClose: () => void }) {
  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="max-w-xl" onInteractOutside={(e) => e.preventDefault()}>
        <DialogHeader>
          <DialogTitle>API key “{created?.key.name}” created</DialogTitle>
          <DialogDescription>
            Send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. Scopes:{' '}
            {created?.key.scopes.join(', ')}.
          </DialogDescription>
        </DialogHeader>
        <p
          role="note"
          className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
        >
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>
            <strong>This token will not be shown again.</strong> Copy it and store it where the connector
            reads its secrets; if it is lost, revoke the key and create another.
          </span>
        </p>
        <div className="flex items-start gap-2">
          <code
            aria-label="Token"
            data-testid="api-key-token"
            className="min-w-0 flex-1 rounded-md border border-border bg-slate-50 px-3 py-2 font-mono text-xs break-all"
          >
            {created?.token}
          </code>
          {created !== null && <CopyButton text={created.token} label="Copy token" />}
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button>I have stored it</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
