import type { QueryClient } from '@tanstack/react-query';
import {
  Link,
  Outlet,
  createRootRouteWithContext,
  redirect,
  useNavigate,
  useRouterState,
} from '@tanstack/react-router';
import { LogOut } from 'lucide-react';
import { useQueryClient } from '@tanstack/react-query';
import { startLive, stopLive } from '@/api/live';
import { Button } from '@/components/ui/button';
import { sessionQuery, signOut, useSession } from '@/features/session/session.queries';

export const Route = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  beforeLoad: async ({ context, location }) => {
    if (location.pathname === '/login') return;
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (session === null) throw redirect({ to: '/login', search: { redirect: location.href } });
    startLive(context.queryClient);
  },
  component: Root,
  notFoundComponent: NotFound,
});

function Root() {
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  if (pathname === '/login') return <Outlet />;
  return (
    <div className="flex h-full flex-col">
      <Header />
      <main className="flex min-h-0 flex-1 flex-col">
        <Outlet />
      </main>
    </div>
  );
}

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/runs', label: 'Sync Logging' },
  { to: '/integrations', label: 'Integrations' },
  { to: '/calls', label: 'Connector Log' },
  { to: '/organizations', label: 'Organizations' },
  { to: '/issues', label: 'Issues' },
  { to: '/audit', label: 'Audit' },
  { to: '/settings', label: 'Settings' },
] as const;

function Header() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const role = session?.account?.operator ? 'Operator' : (session?.memberships[0]?.role ?? '');
  return (
    <header className="flex h-12 shrink-0 items-center gap-6 border-b border-border bg-slate-900 px-4 text-slate-100">
      <Link to="/runs" className="flex items-center gap-2 font-semibold tracking-tight">
        <img src="/favicon.svg" alt="" className="size-6" />
        Synctrail
      </Link>
      <nav aria-label="Main" className="flex h-full items-stretch gap-1">
        {NAV.map((item) => (
          <Link
            key={item.to}
            to={item.to}
            className="flex items-center border-b-2 border-transparent px-3 text-sm text-slate-300 hover:text-white"
            activeOptions={{ exact: item.to === '/' }}
            activeProps={{ className: 'border-teal-400! text-white!', 'aria-current': 'page' }}
          >
            {item.label}
          </Link>
        ))}
      </nav>
      <div className="ml-auto flex items-center gap-3 text-sm">
        {session?.account && (
          <span className="text-slate-300">
            {session.account.email}
            {role !== '' && (
              <span className="ml-2 rounded bg-slate-700 px-1.5 py-0.5 text-xs text-slate-100">{role}</span>
            )}
          </span>
        )}
        <Button
          variant="ghost"
          size="sm"
          className="text-slate-200 hover:bg-slate-800 hover:text-white"
          onClick={async () => {
            stopLive();
            await signOut().catch(() => undefined);
            queryClient.clear();
            queryClient.setQueryData(sessionQuery.queryKey, null);
            await navigate({ to: '/login', search: {} });
          }}
        >
          <LogOut aria-hidden /> Sign out
        </Button>
      </div>
    </header>
  );
}

function NotFound() {
  return (
    <div className="mx-auto max-w-lg py-20 text-center">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-muted-foreground">
        There is no page at this address.{' '}
        <Link to="/runs" className="text-primary underline">
          Go to Sync Logging
        </Link>
        .
      </p>
    </div>
  );
}
