import type { OrganizationRetention, RetentionDays } from '@synctrail/types';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, LoadingState } from '@/components/states';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { Section } from './form-parts';
import { retentionQuery } from './settings.queries';
import { useSettingsOrganization } from './settings-context';

/** `30 days`, or `Forever` for null. */
export function daysLabel(days: number | null): string {
  if (days === null) return 'Forever';
  return days === 1 ? '1 day' : `${days} days`;
}

const ROWS: { key: keyof RetentionDays; what: string }[] = [
  { key: 'payloadDays', what: 'Payloads: request and response bodies, log-file contents' },
  { key: 'days', what: 'Records: runs, actions, calls' },
];

function sourceOf(policy: OrganizationRetention, key: keyof RetentionDays): string {
  const source = key === 'payloadDays' ? policy.payloadDaysSource : policy.daysSource;
  return source === 'organization' ? 'This organization' : 'Deployment default';
}

/** The retention in force for the organization, read-only (operators set it through the API). */
export function RetentionSection() {
  const { organization } = useSettingsOrganization();
  const policy = useQuery(retentionQuery(organization.id));
  return (
    <Section
      title="Retention"
      description={`How long ${organization.name}’s data is kept before retention removes it. The audit log is never removed.`}
    >
      {policy.isPending ? (
        <LoadingState />
      ) : policy.isError ? (
        <ErrorState error={policy.error} onRetry={() => void policy.refetch()} />
      ) : (
        <Table aria-label="Retention">
          <TableHeader>
            <TableRow>
              <TableHead className="w-[44%]">What</TableHead>
              <TableHead className="w-[14%]">Kept</TableHead>
              <TableHead className="w-[20%]">Set by</TableHead>
              <TableHead>Deployment default</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {ROWS.map(({ key, what }) => (
              <TableRow key={key} data-testid="data-row">
                <TableCell className="font-medium">{what}</TableCell>
                <TableCell>{daysLabel(policy.data[key])}</TableCell>
                <TableCell>{sourceOf(policy.data, key)}</TableCell>
                <TableCell>{daysLabel(policy.data.deployment[key])}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}
