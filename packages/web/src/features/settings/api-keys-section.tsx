import type { ApiKey } from '@synctrail/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Ban } from 'lucide-react';
import { ErrorState, LoadingState } from '@/components/states';
import { TimeCell } from '@/components/time-cell';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { cn } from '@/lib/cn';
import { ApiKeyForm } from './api-key-form';
import { ConfirmButton } from './confirm-button';
import { Section } from './form-parts';
import { apiKeysQuery, revokeApiKey, refreshAfterWrite } from './settings.queries';
import { useSettingsOrganization } from './settings-context';

/** Active keys first (newest first), then the revoked ones. */
function byStatus(a: ApiKey, b: ApiKey): number {
  if ((a.revokedAt === null) !== (b.revokedAt === null)) return a.revokedAt === null ? -1 : 1;
  return b.createdAt.localeCompare(a.createdAt);
}

export function ApiKeysSection() {
  const { organization } = useSettingsOrganization();
  const queryClient = useQueryClient();
  const keys = useQuery(apiKeysQuery(organization.id));
  const items = [...(keys.data?.items ?? [])].sort(byStatus);
  return (
    <div className="flex flex-col gap-6">
      <Section
        title="API keys"
        description={`Keys connectors and scripts use to reach the API for ${organization.name}. Tokens are shown once, when a key is created; the prefix tells keys apart.`}
      >
        {keys.isPending ? (
          <LoadingState />
        ) : keys.isError ? (
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        ) : (
          <Table aria-label="API keys">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Scopes</TableHead>
                <TableHead>Prefix</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.length === 0 && (
                <TableRow>
                  <TableCell colSpan={7} className="py-8 text-center text-muted-foreground">
                    <span data-testid="empty-state">No API key yet: create one below for a connector.</span>
                  </TableCell>
                </TableRow>
              )}
              {items.map((key) => {
                const revoked = key.revokedAt !== null;
                return (
                  <TableRow
                    key={key.id}
                    data-testid="data-row"
                    className={cn(revoked && 'text-muted-foreground')}
                  >
                    <TableCell className="font-medium">{key.name}</TableCell>
                    <TableCell>
                      <span className="flex flex-wrap gap-1">
                        {key.scopes.map((s) => (
                          <Badge key={s} tone={s === 'admin' ? 'warning' : 'neutral'} className="font-mono">
                            {s}
                          </Badge>
                        ))}
                      </span>
                    </TableCell>
                    <TableCell>
                      <code className="font-mono text-xs">{key.prefix}…</code>
                    </TableCell>
                    <TableCell>
                      <TimeCell iso={key.createdAt} />
                    </TableCell>
                    <TableCell>
                      {key.lastUsedAt === null ? (
                        <span className="text-muted-foreground">Never</span>
                      ) : (
                        <TimeCell iso={key.lastUsedAt} />
                      )}
                    </TableCell>
                    <TableCell>
                      {revoked ? (
                        <span className="flex flex-col gap-1">
                          <Badge tone="error" className="self-start">
                            Revoked
                          </Badge>
                          <TimeCell iso={key.revokedAt} />
                        </span>
                      ) : (
                        <Badge tone="ok">Active</Badge>
                      )}
                    </TableCell>
                    <TableCell className="text-right">
                      {!revoked && (
                        <ConfirmButton
                          label="Revoke"
                          accessibleName={`Revoke ${key.name}`}
                          icon={<Ban aria-hidden />}
                          title={`Revoke the key “${key.name}”?`}
                          description={
                            <p>
                              Whatever uses the token starting with{' '}
                              <code className="font-mono">{key.prefix}</code> gets 401 from now on. This
                              cannot be undone: create a new key to replace it.
                            </p>
                          }
                          confirmLabel="Revoke key"
                          onConfirm={async () => {
                            await revokeApiKey(key.id);
                            await refreshAfterWrite(queryClient, apiKeysQuery(organization.id).queryKey);
                          }}
                        />
                      )}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Section>
      <ApiKeyForm organizationId={organization.id} />
    </div>
  );
}
