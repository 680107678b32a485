import type { Integration } from '@synctrail/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Save } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { errorMessage } from '@/api/client';
import { ErrorState, LoadingState } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { integrationTypeLabel } from '@/lib/labels';
import { Section } from './form-parts';
import { checkSchedule, normalizeSchedule } from './schedule';
import { changeSchedule, organizationIntegrationsQuery, refreshAfterWrite } from './settings.queries';
import { useSettingsOrganization } from './settings-context';

function ScheduleEditor({ integration }: { integration: Integration }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState(integration.schedule);
  useEffect(() => setDraft(integration.schedule), [integration.schedule]);
  const save = useMutation({
    mutationFn: (schedule: string) => changeSchedule(integration.id, schedule),
    onSuccess: async () => {
      await refreshAfterWrite(
        queryClient,
        organizationIntegrationsQuery(integration.organizationId).queryKey,
      );
      // The Integrations screen shows schedules too.
      await queryClient.invalidateQueries({ queryKey: ['integrations'] });
    },
  });
  const check = checkSchedule(draft);
  const changed = normalizeSchedule(draft) !== integration.schedule;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check.ok && changed) save.mutate(normalizeSchedule(draft));
  };
  return (
    <form onSubmit={submit} aria-label={`Schedule of ${integration.name}`} className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <label htmlFor={id} className="sr-only">
          Cron schedule of {integration.name}
        </label>
        <Input
          id={id}
          value={draft}
          maxLength={120}
          spellCheck={false}
          className="w-44 font-mono"
          aria-invalid={!check.ok}
          aria-describedby={`${id}-words`}
          onChange={(e) => {
            setDraft(e.target.value);
            save.reset();
          }}
        />
        <Button type="submit" size="sm" disabled={!check.ok || !changed || save.isPending}>
          <Save aria-hidden /> Save
        </Button>
        {changed && (
          <Button variant="ghost" size="sm" onClick={() => setDraft(integration.schedule)}>
            Undo
          </Button>
        )}
      </div>
      <p id={`${id}-words`} className={check.ok ? 'text-xs text-muted-foreground' : 'text-xs text-red-700'}>
        {check.ok ? (changed ? `New: ${check.words}` : check.words) : check.message}
      </p>
      {save.isError && (
        <p role="alert" className="text-xs text-red-700">
          {errorMessage(save.error)}
        </p>
      )}
      {save.isSuccess && !changed && (
        <p role="status" className="text-xs text-green-800">
          Saved: the next full sync follows this schedule.
        </p>
      )}
    </form>
  );
}

export function SchedulesSection() {
  const { organization } = useSettingsOrganization();
  const integrations = useQuery(organizationIntegrationsQuery(organization.id));
  const items = [...(integrations.data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Section
      title="Schedules"
      description={`When each of ${organization.name}’s integrations runs its full sync: a cron expression (minute hour day month weekday), in UTC.`}
    >
      {integrations.isPending ? (
        <LoadingState />
      ) : integrations.isError ? (
        <ErrorState error={integrations.error} onRetry={() => void integrations.refetch()} />
      ) : (
        <Table aria-label="Schedules">
          <TableHeader>
            <TableRow>
              <TableHead className="w-[26%]">Integration</TableHead>
              <TableHead className="w-[16%]">Type</TableHead>
              <TableHead className="w-[10%]">Status</TableHead>
              <TableHead>Schedule</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.length === 0 && (
              <TableRow>
                <TableCell colSpan={4} className="py-8 text-center text-muted-foreground">
                  <span data-testid="empty-state">{organization.name} has no integration yet.</span>
                </TableCell>
              </TableRow>
            )}
            {items.map((integration) => (
              <TableRow key={integration.id} data-testid="data-row" className="align-top">
                <TableCell className="pt-3 font-medium">{integration.name}</TableCell>
                <TableCell className="pt-3">{integrationTypeLabel(integration.type)}</TableCell>
                <TableCell className="pt-3">
                  <Badge tone={integration.status === 'ACTIVE' ? 'ok' : 'neutral'}>
                    {integration.status}
                  </Badge>
                </TableCell>
                <TableCell>
                  <ScheduleEditor integration={integration} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}
