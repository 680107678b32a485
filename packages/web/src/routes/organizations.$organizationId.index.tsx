import { createFileRoute, redirect } from '@tanstack/react-router';

/** An organization opens on its Users subtab. */
export const Route = createFileRoute('/organizations/$organizationId/')({
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/organizations/$organizationId/users', params, replace: true });
  },
});
