import type { ApiKeyCreated, ApiKeyScope } from '@synctrail/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { FormError, FormField } from './form-parts';
import { apiKeysQuery, createApiKey, refreshAfterWrite } from './settings.queries';
import { TokenDialog } from './token-dialog';

/** The scopes a key can have, keyed by the contract's `ApiKeyScope`, with what each allows. */
export const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  ingest: 'Report runs, actions, calls, log files and users (a connector’s key); cannot read them back.',
  read: 'Read runs, calls with their bodies, log files, issues and exports (a support engineer’s or a script’s key).',
  admin:
    'Manage members, keys, masking rules and schedules, and read the audit log; add read to see the data too.',
};
const SCOPES = Object.keys(SCOPE_HINTS) as ApiKeyScope[];

export function ApiKeyForm({ organizationId }: { organizationId: string }) {
  const queryClient = useQueryClient();
  const groupId = useId();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['ingest']);
  const [tried, setTried] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const create = useMutation({
    mutationFn: () => createApiKey(organizationId, { name: name.trim(), scopes }),
    onSuccess: async (answer) => {
      setCreated(answer);
      setName('');
      setScopes(['ingest']);
      setTried(false);
      await refreshAfterWrite(queryClient, apiKeysQuery(organizationId).queryKey);
    },
  });
  const nameError =
    name.trim() === '' ? 'Name the key after what will use it, e.g. "Exchange connector".' : null;
  const scopeError = scopes.length === 0 ? 'Choose at least one scope.' : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (nameError === null && scopeError === null) create.mutate();
  };

  return (
    <>
      <form
        onSubmit={submit}
        aria-label="Create an API key"
        noValidate
        className="flex flex-col gap-3 rounded-md border border-border p-4"
      >
        <h3 className="text-sm font-semibold">Create an API key</h3>
        <FormField label="Name" error={tried ? nameError : null} className="flex max-w-md flex-col gap-1.5">
          {(control) => (
            <Input
              {...control}
              value={name}
              maxLength={200}
              placeholder="Exchange connector"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </FormField>
        <fieldset
          className="flex flex-col gap-2"
          aria-describedby={tried && scopeError ? `${groupId}-error` : undefined}
        >
          <legend className="mb-1 text-sm font-medium">Scopes</legend>
          {SCOPES.map((scope) => (
            <div key={scope} className="flex items-start gap-2">
              <Checkbox
                id={`${groupId}-${scope}`}
                className="mt-0.5"
                checked={scopes.includes(scope)}
                onCheckedChange={(checked) =>
                  setScopes((current) =>
                    checked === true
                      ? SCOPES.filter((s) => s === scope || current.includes(s))
                      : current.filter((s) => s !== scope),
                  )
                }
                aria-describedby={`${groupId}-${scope}-hint`}
              />
              <div className="leading-tight">
                <Label htmlFor={`${groupId}-${scope}`} className="font-mono text-[13px]">
                  {scope}
                </Label>
                <p id={`${groupId}-${scope}-hint`} className="text-xs text-muted-foreground">
                  {SCOPE_HINTS[scope]}
                </p>
              </div>
            </div>
          ))}
          {tried && scopeError && (
            <p id={`${groupId}-error`} className="text-xs text-red-700">
              {scopeError}
            </p>
          )}
        </fieldset>
        <FormError error={create.error} />
        <div>
          <Button type="submit" disabled={create.isPending}>
            <KeyRound aria-hidden /> Create key
          </Button>
        </div>
      </form>
      <TokenDialog created={created} onClose={() => setCreated(null)} />
    </>
  );
}
