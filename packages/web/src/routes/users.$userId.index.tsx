import { createFileRoute, redirect } from '@tanstack/react-router';

/** A user's page opens on Statistics. */
export const Route = createFileRoute('/users/$userId/')({
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/users/$userId/statistics', params, replace: true });
  },
});
