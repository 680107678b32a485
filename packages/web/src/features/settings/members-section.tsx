import type { Member, MemberRole } from '@synctrail/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { errorMessage } from '@/api/client';
import { ErrorState, LoadingState } from '@/components/states';
import { TimeCell } from '@/components/time-cell';
import { Badge } from '@/components/ui/badge';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { ConfirmButton } from './confirm-button';
import { Section } from './form-parts';
import { MemberForm } from './member-form';
import { ROLE_LABELS } from './member-roles';
import { changeMemberRole, membersQuery, removeMember, refreshAfterWrite } from './settings.queries';
import { useSettingsOrganization } from './settings-context';

function RoleSelect({ member, organizationId }: { member: Member; organizationId: string }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (role: MemberRole) => changeMemberRole(member.id, role),
    onSettled: () => refreshAfterWrite(queryClient, membersQuery(organizationId).queryKey),
  });
  return (
    <div className="flex flex-col gap-1">
      <Select
        value={change.isPending ? change.variables : member.role}
        disabled={change.isPending}
        onValueChange={(role) => change.mutate(role as MemberRole)}
      >
        <SelectTrigger aria-label={`Role of ${member.email}`} className="h-8 w-28">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {(Object.keys(ROLE_LABELS) as MemberRole[]).map((role) => (
            <SelectItem key={role} value={role}>
              {ROLE_LABELS[role]}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      {change.isError && (
        <span role="alert" className="max-w-56 text-xs text-red-700">
          {errorMessage(change.error)}
        </span>
      )}
    </div>
  );
}

export function MembersSection() {
  const { organization, accountId } = useSettingsOrganization();
  const queryClient = useQueryClient();
  const members = useQuery(membersQuery(organization.id));
  const items = [...(members.data?.items ?? [])].sort((a, b) => a.email.localeCompare(b.email));
  return (
    <div className="flex flex-col gap-6">
      <Section
        title="Members"
        description={`Who can sign in to the console for ${organization.name}, and with which role.`}
      >
        {members.isPending ? (
          <LoadingState />
        ) : members.isError ? (
          <ErrorState error={members.error} onRetry={() => void members.refetch()} />
        ) : (
          <Table aria-label="Members">
            <TableHeader>
              <TableRow>
                <TableHead className="w-[32%]">Email</TableHead>
                <TableHead className="w-[20%]">Name</TableHead>
                <TableHead className="w-[16%]">Role</TableHead>
                <TableHead className="w-[18%]">Added</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.length === 0 && (
                <TableRow>
                  <TableCell colSpan={5} className="py-8 text-center text-muted-foreground">
                    <span data-testid="empty-state">No member yet: add the first one below.</span>
                  </TableCell>
                </TableRow>
              )}
              {items.map((member) => {
                const you = member.accountId === accountId;
                return (
                  <TableRow key={member.id} data-testid="data-row">
                    <TableCell>
                      <span className="font-medium">{member.email}</span>
                      {you && <Badge className="ml-2">you</Badge>}
                      {!member.canSignIn && (
                        <span className="block text-xs text-muted-foreground">
                          No password yet: cannot sign in
                        </span>
                      )}
                    </TableCell>
                    <TableCell>{member.name ?? <span className="text-muted-foreground">—</span>}</TableCell>
                    <TableCell>
                      <RoleSelect member={member} organizationId={organization.id} />
                    </TableCell>
                    <TableCell>
                      <TimeCell iso={member.createdAt} />
                    </TableCell>
                    <TableCell className="text-right">
                      <ConfirmButton
                        label="Remove"
                        accessibleName={`Remove ${member.email}`}
                        icon={<Trash2 aria-hidden />}
                        title={`Remove ${member.email}?`}
                        description={
                          <>
                            <p>
                              {member.email} will no longer see {organization.name} in the console. Their
                              account stays, and can be added again.
                            </p>
                            {you && (
                              <p className="font-medium text-red-800">
                                This is you: you will lose access to these settings at once.
                              </p>
                            )}
                          </>
                        }
                        confirmLabel="Remove member"
                        onConfirm={async () => {
                          await removeMember(member.id);
                          await refreshAfterWrite(queryClient, membersQuery(organization.id).queryKey);
                        }}
                      />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Section>
      <MemberForm organizationId={organization.id} />
    </div>
  );
}
