import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, createFileRoute, useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo } from 'react';
import { Page } from '@/components/page';
import { ErrorState, LoadingState } from '@/components/states';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { organizationsQuery } from '@/features/runs/runs.queries';
import { roleIn, useSession } from '@/features/session/session.queries';
import { NeedsAdmin } from '@/features/settings/needs-admin';
import { SettingsContext } from '@/features/settings/settings-context';

const UUID = /^[0-9a-f-]{36}$/i;

export const Route = createFileRoute('/settings')({
  validateSearch: (raw: Record<string, unknown>): { org?: string } =>
    typeof raw.org === 'string' && UUID.test(raw.org) ? { org: raw.org } : {},
  component: Settings,
});

const SECTIONS = [
  { to: '/settings/members', label: 'Members' },
  { to: '/settings/api-keys', label: 'API keys' },
  { to: '/settings/masking', label: 'Masking rules' },
  { to: '/settings/schedules', label: 'Schedules' },
  { to: '/settings/retention', label: 'Retention' },
] as const;

function Settings() {
  const { org } = Route.useSearch();
  // Not `from: '/settings'`: without a `to`, that would leave the section for the layout's own path.
  const navigate = useNavigate();
  const chooseOrganization = (id: string, replace = false) =>
    void navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, org: id }), replace });
  const session = useSession();
  const organizations = useQuery(organizationsQuery);
  const choices = useMemo(
    () => [...(organizations.data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [organizations.data],
  );
  // Without `org=`: the first organization the person administers, else the first they see.
  const fallback =
    choices.find((o) => {
      const role = roleIn(session, o.id);
      return role === 'ADMIN' || role === 'OPERATOR';
    }) ?? choices[0];
  const organization = choices.find((o) => o.id === org) ?? fallback;
  useEffect(() => {
    if (organization !== undefined && organization.id !== org) chooseOrganization(organization.id, true);
  }, [organization, org]);

  const role = organization === undefined ? null : roleIn(session, organization.id);
  const context = useMemo(
    () =>
      organization !== undefined && (role === 'ADMIN' || role === 'OPERATOR')
        ? { organization, role, accountId: session?.account?.id ?? null }
        : null,
    [organization, role, session],
  );

  return (
    <Page
      scroll
      title="Settings"
      description={
        organization === undefined
          ? 'Members, API keys, masking rules, schedules and retention of an organization.'
          : `Members, API keys, masking rules, schedules and retention of ${organization.name}.`
      }
      actions={
        choices.length > 1 && organization !== undefined ? (
          <div className="flex items-center gap-2">
            <span id="settings-organization" className="text-sm text-muted-foreground">
              Organization
            </span>
            <Select value={organization.id} onValueChange={(id) => chooseOrganization(id)}>
              <SelectTrigger aria-labelledby="settings-organization" className="w-64">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {choices.map((o) => (
                  <SelectItem key={o.id} value={o.id}>
                    {o.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
        ) : undefined
      }
    >
      {context !== null && (
        <nav aria-label="Settings sections" className="flex gap-1 border-b border-border">
          {SECTIONS.map((section) => (
            <Link
              key={section.to}
              to={section.to}
              search={organization === undefined ? {} : { org: organization.id }}
              className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted-foreground hover:text-foreground"
              activeProps={{ className: 'border-primary! text-foreground!', 'aria-current': 'page' }}
            >
              {section.label}
            </Link>
          ))}
        </nav>
      )}
      {organizations.isPending ? (
        <LoadingState />
      ) : organizations.isError ? (
        <ErrorState error={organizations.error} onRetry={() => void organizations.refetch()} />
      ) : organization === undefined ? (
        <p className="py-10 text-center text-muted-foreground">You are not a member of any organization.</p>
      ) : context === null ? (
        <NeedsAdmin>
          Your role in {organization.name} is {role ?? 'none'}: you can read its sync logs, but its members,
          API keys, masking rules and schedules are managed by its administrators. Ask one of them to change
          your role.
        </NeedsAdmin>
      ) : (
        <SettingsContext.Provider value={context}>
          <Outlet />
        </SettingsContext.Provider>
      )}
    </Page>
  );
}
