import { Lock } from 'lucide-react';
import type { ReactNode } from 'react';

/** What a VIEWER sees instead of an admin screen: why, and who can help. */
export function NeedsAdmin({ children }: { children: ReactNode }) {
  return (
    <div
      role="note"
      aria-label="You need the ADMIN role"
      className="mx-auto my-10 flex max-w-xl items-start gap-3 rounded-md border border-amber-300 bg-amber-50 p-4 text-amber-950"
    >
      <Lock className="mt-0.5 size-5 shrink-0" aria-hidden />
      <div>
        <p className="font-medium">You need the ADMIN role</p>
        <p className="mt-1 text-sm">{children}</p>
      </div>
    </div>
  );
}
