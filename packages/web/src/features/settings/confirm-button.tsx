import { Loader2 } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '@/api/client';
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from '@/components/ui/alert-dialog';
import { Button, buttonVariants } from '@/components/ui/button';

/**
 * A destructive button that asks first: the dialog names what will happen, Cancel has the focus,
 * and it stays open with the server's message when the act fails.
 */
export function ConfirmButton({
  label,
  accessibleName,
  title,
  description,
  confirmLabel,
  onConfirm,
  icon,
}: {
  label: string;
  /** The button's name when `label` alone is ambiguous in a list ("Remove dora@example.com"). */
  accessibleName?: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  icon?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setError(null);
      }}
    >
      <AlertDialogTrigger asChild>
        <Button
          variant="outline"
          size="xs"
          aria-label={accessibleName}
          className="text-red-700 hover:text-red-800"
        >
          {icon}
          {label}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogTitle>{title}</AlertDialogTitle>
        <AlertDialogDescription asChild>
          <div className="flex flex-col gap-2">{description}</div>
        </AlertDialogDescription>
        {error !== null && (
          <p
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
          >
            {errorMessage(error)}
          </p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          {/* Not Radix's Action: it would close the dialog before the answer is known. */}
          <button
            type="button"
            className={buttonVariants({ variant: 'destructive' })}
            disabled={pending}
            onClick={async () => {
              setPending(true);
              setError(null);
              try {
                await onConfirm();
                setOpen(false);
              } catch (e) {
                setError(e);
              } finally {
                setPending(false);
              }
            }}
          >
            {pending && <Loader2 className="animate-spin" aria-hidden />}
            {confirmLabel}
          </button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
