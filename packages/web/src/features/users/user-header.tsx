import type { SyncUser } from '@synctrail/types';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { CopyButton } from '@/components/copy-button';
import { Badge } from '@/components/ui/badge';
import { organizationsQuery } from '@/features/runs/runs.queries';

/** Who the sync user is: email, external id, organization and whether their sync is enabled. */
export function UserFacts({ user }: { user: SyncUser }) {
  const organization = useQuery(organizationsQuery).data?.items.find((o) => o.id === user.organizationId);
  return (
    <dl className="grid grid-cols-[repeat(auto-fit,minmax(12rem,max-content))] gap-x-8 gap-y-2 rounded-md border border-border bg-muted/40 px-4 py-3 text-sm">
      <Fact label="Email">{user.email ?? '—'}</Fact>
      <Fact label="External ID">
        <span className="inline-flex items-center gap-1">
          <code className="text-[13px]">{user.externalId}</code>
          <CopyButton text={user.externalId} />
        </span>
      </Fact>
      <Fact label="Organization">{organization?.name ?? '—'}</Fact>
      <Fact label="Synchronization">
        {user.syncEnabled ? <Badge tone="ok">Enabled</Badge> : <Badge tone="error">Disabled</Badge>}
      </Fact>
    </dl>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs font-medium text-muted-foreground">{label}</dt>
      <dd className="flex min-h-6 items-center">{children}</dd>
    </div>
  );
}

const TABS = [
  { to: '/users/$userId/statistics', label: 'Statistics' },
  { to: '/users/$userId/issues', label: 'Issues' },
  { to: '/users/$userId/timeline', label: 'Timeline' },
] as const;

/** The user's subtabs: links (each a URL of its own), the current one marked for assistive technology. */
export function UserTabs({ userId }: { userId: string }) {
  return (
    <nav aria-label="User" className="flex gap-1 border-b border-border">
      {TABS.map((tab) => (
        <Link
          key={tab.to}
          to={tab.to}
          params={{ userId }}
          className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted-foreground hover:text-foreground"
          activeProps={{ className: 'border-primary! text-foreground!', 'aria-current': 'page' }}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
