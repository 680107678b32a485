import { useMutation } from '@tanstack/react-query';
import { Power, PowerOff } from 'lucide-react';
import { AlertDialog } from 'radix-ui';
import { useState } from 'react';
import { errorMessage } from '@/api/client';
import { Button } from '@/components/ui/button';

interface SyncSwitchProps {
  /** Whether synchronization is enabled now. */
  enabled: boolean;
  /** Whose sync it is: "Northwind Traders", "Ada Lovelace". */
  name: string;
  kind: 'organization' | 'user';
  /** Sets the new state on the server; the switch waits for it. */
  onChange: (syncEnabled: boolean) => Promise<unknown>;
}

const CONSEQUENCES = {
  organization: {
    disable:
      'No new synchronization will start for this organization (Run Sync, schedules and change notifications are refused) until sync is enabled again. Runs already under way are not stopped.',
    enable:
      'Schedules, Run Sync and change notifications start synchronizations for this organization again.',
  },
  user: {
    disable:
      'No new synchronization session will start for this user until sync is enabled again. Sessions already under way are not stopped.',
    enable: 'Synchronization sessions of this user can start again.',
  },
} as const;

/** Enable / Disable sync, after a confirmation that says what it changes. */
export function SyncSwitch({ enabled, name, kind, onChange }: SyncSwitchProps) {
  const [open, setOpen] = useState(false);
  const next = !enabled;
  const mutation = useMutation({
    mutationFn: () => onChange(next),
    onSuccess: () => setOpen(false),
  });
  const verb = next ? 'Enable' : 'Disable';
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(value) => {
        setOpen(value);
        if (!value) mutation.reset();
      }}
    >
      <AlertDialog.Trigger asChild>
        <Button variant="outline" size="xs" onClick={(event) => event.stopPropagation()}>
          {next ? <Power aria-hidden /> : <PowerOff aria-hidden />}
          {verb} sync
        </Button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/30" />
        <AlertDialog.Content
          onClick={(event) => event.stopPropagation()}
          className="fixed top-1/3 left-1/2 z-50 w-full max-w-md -translate-x-1/2 rounded-lg border border-border bg-background p-5 text-foreground shadow-xl focus:outline-none"
        >
          <AlertDialog.Title className="text-base font-semibold">
            {verb} synchronization for {name}?
          </AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-muted-foreground">
            {CONSEQUENCES[kind][next ? 'enable' : 'disable']}
          </AlertDialog.Description>
          {mutation.isError && (
            <p role="alert" className="mt-3 text-sm text-red-700">
              {errorMessage(mutation.error)}
            </p>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="outline" size="sm">
                Cancel
              </Button>
            </AlertDialog.Cancel>
            <Button
              size="sm"
              variant={next ? 'default' : 'destructive'}
              disabled={mutation.isPending}
              onClick={() => mutation.mutate()}
            >
              {verb} sync
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
