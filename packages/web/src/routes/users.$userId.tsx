import { useQuery } from '@tanstack/react-query';
import { Outlet, createFileRoute } from '@tanstack/react-router';
import { Page } from '@/components/page';
import { ErrorState, LoadingState } from '@/components/states';
import { UserFacts, UserTabs } from '@/features/users/user-header';
import { userQuery } from '@/features/users/users.queries';

/** A sync user's page: who they are, then Statistics, Issues and Timeline as subroutes. */
export const Route = createFileRoute('/users/$userId')({
  loader: ({ context, params }) => context.queryClient.ensureQueryData(userQuery(params.userId)),
  pendingComponent: () => <LoadingState />,
  errorComponent: ({ error }) => <ErrorState error={error} />,
  component: SyncUserPage,
});

function SyncUserPage() {
  const { userId } = Route.useParams();
  const { data: user, error } = useQuery(userQuery(userId));
  if (user === undefined) return error === null ? <LoadingState /> : <ErrorState error={error} />;
  return (
    <Page title={user.name ?? user.email ?? user.externalId} description="Sync user">
      <UserFacts user={user} />
      <UserTabs userId={userId} />
      <div className="flex min-h-0 flex-1 flex-col gap-3">
        <Outlet />
      </div>
    </Page>
  );
}
