import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, createFileRoute } from '@tanstack/react-router';
import { ArrowLeft } from 'lucide-react';
import { Page } from '@/components/page';
import { ErrorState, LoadingState } from '@/components/states';
import { Button } from '@/components/ui/button';
import { OrganizationSyncSwitch } from '@/features/organizations/organization-columns';
import { organizationQuery } from '@/features/organizations/organizations.queries';
import { STATISTICS_DEFAULTS } from '@/features/statistics/statistics-filters';

export const Route = createFileRoute('/organizations/$organizationId')({
  loader: ({ context, params }) =>
    context.queryClient.ensureQueryData(organizationQuery(params.organizationId)),
  pendingComponent: () => <LoadingState />,
  errorComponent: ({ error }) => <ErrorState error={error} />,
  component: OrganizationPage,
});

const TAB =
  '-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted-foreground hover:text-foreground';
const ACTIVE_TAB = { className: 'border-primary! text-foreground!', 'aria-current': 'page' } as const;

/** One organization: its users and the statistics of their sessions, as two subtabs. */
function OrganizationPage() {
  const { organizationId } = Route.useParams();
  const { data: organization, error } = useQuery(organizationQuery(organizationId));
  if (organization === undefined) return error === null ? <LoadingState /> : <ErrorState error={error} />;
  return (
    <Page
      title={organization.name}
      description={
        <>
          <code className="text-xs">{organization.slug}</code> ·{' '}
          {organization.syncEnabled ? (
            'Synchronization enabled'
          ) : (
            <span className="font-medium text-red-700">Synchronization disabled</span>
          )}
        </>
      }
      actions={
        <div className="flex items-center gap-2">
          <Button variant="ghost" size="sm" asChild>
            <Link to="/organizations">
              <ArrowLeft aria-hidden /> Organizations
            </Link>
          </Button>
          <OrganizationSyncSwitch organization={organization} />
        </div>
      }
    >
      <nav aria-label="Organization" className="flex gap-1 border-b border-border">
        <Link
          to="/organizations/$organizationId/users"
          params={{ organizationId }}
          className={TAB}
          activeProps={ACTIVE_TAB}
        >
          Users
        </Link>
        <Link
          to="/organizations/$organizationId/statistics"
          params={{ organizationId }}
          search={STATISTICS_DEFAULTS}
          activeOptions={{ includeSearch: false }}
          className={TAB}
          activeProps={ACTIVE_TAB}
        >
          Statistics
        </Link>
      </nav>
      <Outlet />
    </Page>
  );
}
