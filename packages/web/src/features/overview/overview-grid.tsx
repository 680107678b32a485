import type { Organization } from '@synctrail/types';
import { Badge } from '@/components/ui/badge';
import type { IntegrationItem } from '@/features/integrations/integrations.queries';
import { integrationTypeLabel } from '@/lib/labels';
import { OverviewCell } from './overview-cell';

/**
 * Organizations × integrations: a row per organization, a column per integration type, in each
 * cell the organization's integrations of that type.
 */
export function OverviewGrid({
  organizations,
  integrations,
}: {
  organizations: readonly Organization[];
  integrations: readonly IntegrationItem[];
}) {
  const types = [...new Set(integrations.map((i) => i.type))].sort((a, b) =>
    integrationTypeLabel(a).localeCompare(integrationTypeLabel(b)),
  );
  const rows = [...organizations].sort((a, b) => a.name.localeCompare(b.name));
  const cell = (organizationId: string, type: string) =>
    integrations
      .filter((i) => i.organizationId === organizationId && i.type === type)
      .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="relative min-h-0 w-fit max-w-full overflow-auto rounded-md border border-border">
      <table className="border-collapse text-sm">
        <caption className="sr-only">
          Integrations by organization, coloured by the status of their last run
        </caption>
        <thead className="sticky top-0 z-10 bg-muted/95 backdrop-blur">
          <tr className="border-b border-border">
            <th scope="col" className="px-3 py-2 text-left text-xs font-semibold text-muted-foreground">
              Organization
            </th>
            {types.map((type) => (
              <th
                key={type}
                scope="col"
                className="px-3 py-2 text-left text-xs font-semibold text-muted-foreground"
              >
                {integrationTypeLabel(type)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((organization) => (
            <tr key={organization.id} data-testid="overview-row" className="border-b border-border/70">
              <th scope="row" className="min-w-44 px-3 py-2 text-left align-top font-medium">
                {organization.name}
                {!organization.syncEnabled && (
                  <Badge tone="error" className="mt-1 flex w-fit">
                    Sync disabled
                  </Badge>
                )}
              </th>
              {types.map((type) => {
                const here = cell(organization.id, type);
                return (
                  <td key={type} className="px-2 py-2 align-top">
                    {here.length === 0 ? (
                      <span className="block min-w-48 px-1 py-2 text-xs text-muted-foreground">
                        <span aria-hidden>—</span>
                        <span className="sr-only">No {integrationTypeLabel(type)} integration</span>
                      </span>
                    ) : (
                      <div className="flex flex-col gap-2">
                        {here.map((integration) => (
                          <OverviewCell key={integration.id} integration={integration} />
                        ))}
                      </div>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
