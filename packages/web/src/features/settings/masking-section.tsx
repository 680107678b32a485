import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { ErrorState, LoadingState } from '@/components/states';
import { TimeCell } from '@/components/time-cell';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { ConfirmButton } from './confirm-button';
import { Section } from './form-parts';
import { MaskingForm } from './masking-form';
import { KIND_LABELS } from './masking-kinds';
import { maskingRulesQuery, removeMaskingRule, refreshAfterWrite } from './settings.queries';
import { useSettingsOrganization } from './settings-context';

export function MaskingSection() {
  const { organization } = useSettingsOrganization();
  const queryClient = useQueryClient();
  const rules = useQuery(maskingRulesQuery(organization.id));
  const items = rules.data?.items ?? [];
  return (
    <div className="flex flex-col gap-6">
      <Section
        title="Masking rules"
        description={`${organization.name}’s own rules, applied with the built-in ones (passwords, tokens, card numbers…) to calls, actions, log files and configurations before they are stored. A rule applies to data received after it is added.`}
      >
        {rules.isPending ? (
          <LoadingState />
        ) : rules.isError ? (
          <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
        ) : (
          <Table aria-label="Masking rules">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead>Match</TableHead>
                <TableHead>Added</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.length === 0 && (
                <TableRow>
                  <TableCell colSpan={5} className="py-8 text-center text-muted-foreground">
                    <span data-testid="empty-state">
                      Only the built-in rules apply: add one of your own below.
                    </span>
                  </TableCell>
                </TableRow>
              )}
              {items.map((rule) => (
                <TableRow key={rule.id} data-testid="data-row">
                  <TableCell className="font-medium">{rule.name}</TableCell>
                  <TableCell>
                    <Badge>{KIND_LABELS[rule.kind]}</Badge>
                  </TableCell>
                  <TableCell>
                    <code className="font-mono text-xs break-all">{rule.match}</code>
                  </TableCell>
                  <TableCell>
                    <TimeCell iso={rule.createdAt} />
                  </TableCell>
                  <TableCell className="text-right">
                    <ConfirmButton
                      label="Remove"
                      accessibleName={`Remove ${rule.name}`}
                      icon={<Trash2 aria-hidden />}
                      title={`Remove the rule “${rule.name}”?`}
                      description={
                        <p>
                          Data received from now on is no longer masked by it. Data already stored stays
                          masked.
                        </p>
                      }
                      confirmLabel="Remove rule"
                      onConfirm={async () => {
                        await removeMaskingRule(organization.id, rule.id);
                        await refreshAfterWrite(queryClient, maskingRulesQuery(organization.id).queryKey);
                      }}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>
      <MaskingForm organizationId={organization.id} />
    </div>
  );
}
