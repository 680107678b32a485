import type { MemberCreate, MemberRole } from '@synctrail/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { FormError, FormField } from './form-parts';
import { ROLE_HINTS, ROLE_LABELS } from './member-roles';
import { addMember, membersQuery, refreshAfterWrite } from './settings.queries';

const MIN_PASSWORD = 12;

/** Adds a member: a new email gets an account (with the initial password, if one is given). */
export function MemberForm({ organizationId }: { organizationId: string }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<MemberRole>('VIEWER');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const add = useMutation({
    mutationFn: (body: MemberCreate) => addMember(organizationId, body),
    onSuccess: async () => {
      setEmail('');
      setName('');
      setPassword('');
      setRole('VIEWER');
      setTried(false);
      await refreshAfterWrite(queryClient, membersQuery(organizationId).queryKey);
    },
  });
  const emailError =
    email.trim() === ''
      ? 'Enter the email address of the person to add.'
      : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())
        ? null
        : 'This is not an email address.';
  const passwordError =
    password !== '' && password.length < MIN_PASSWORD
      ? `At least ${MIN_PASSWORD} characters (${password.length} so far).`
      : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (emailError !== null || passwordError !== null) return;
    add.mutate({
      email: email.trim(),
      role,
      ...(name.trim() === '' ? {} : { name: name.trim() }),
      ...(password === '' ? {} : { password }),
    });
  };

  return (
    <form
      onSubmit={submit}
      aria-label="Add a member"
      noValidate
      className="flex flex-col gap-3 rounded-md border border-border p-4"
    >
      <h3 className="text-sm font-semibold">Add a member</h3>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1.3fr_1fr_15rem_1.2fr]">
        <FormField label="Email" error={tried ? emailError : null}>
          {(control) => (
            <Input
              {...control}
              type="email"
              autoComplete="off"
              value={email}
              placeholder="dora@example.com"
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </FormField>
        <FormField label="Name" optional>
          {(control) => (
            <Input
              {...control}
              value={name}
              placeholder="Dora Lee"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </FormField>
        <FormField label="Role" hint={ROLE_HINTS[role]}>
          {({ id, ...aria }) => (
            <Select value={role} onValueChange={(v) => setRole(v as MemberRole)}>
              <SelectTrigger id={id} {...aria}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {(Object.keys(ROLE_LABELS) as MemberRole[]).map((r) => (
                  <SelectItem key={r} value={r}>
                    {ROLE_LABELS[r]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        </FormField>
        <FormField
          label="Initial password"
          optional
          hint={`For a new account, at least ${MIN_PASSWORD} characters. Without one, the person cannot sign in yet.`}
          error={passwordError}
        >
          {(control) => (
            <Input
              {...control}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </FormField>
      </div>
      <FormError error={add.error} />
      {add.isSuccess && (
        <p role="status" className="text-sm text-green-800">
          {add.data.email} was added as {ROLE_LABELS[add.data.role]}.
        </p>
      )}
      <div>
        <Button type="submit" disabled={add.isPending}>
          <UserPlus aria-hidden /> Add member
        </Button>
      </div>
    </form>
  );
}
