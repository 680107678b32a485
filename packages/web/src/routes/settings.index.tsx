import { createFileRoute, redirect } from '@tanstack/react-router';

/** `/settings` opens its first section, keeping the organization chosen. */
export const Route = createFileRoute('/settings/')({
  beforeLoad: ({ search }) => {
    throw redirect({ to: '/settings/members', search, replace: true });
  },
});
