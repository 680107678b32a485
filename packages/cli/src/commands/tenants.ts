import type { Command } from 'commander';
import {
  AllIssuesQuery,
  OrganizationListQuery,
  SyncUserListQuery,
  type IssueListItem,
  type Organization,
  type SyncUser,
} from '@synctrail/types';
import { path } from '../http/api-client.js';
import { text, time } from '../output/output.js';
import { listCommand } from './list.js';

/** `synctrail issues list`, `orgs list`, `users list ORG`. */
export function registerTenants(program: Command): void {
  listCommand<IssueListItem>(
    program.command('issues').description('Objects of sync users that could not be synced'),
    {
      name: 'list',
      description: 'List the issues of every sync user you can see, most recently seen first',
      schema: AllIssuesQuery,
      path: () => '/api/v1/issues',
      columns: (out) => [
        { header: 'ID', cell: (i) => i.id },
        { header: 'LAST SEEN', cell: (i) => time(i.lastSeenAt) },
        { header: 'USER', cell: (i) => text(i.userEmail ?? i.userName ?? i.userId) },
        { header: 'TYPE', cell: (i) => text(i.objectType) },
        { header: 'NAME', cell: (i) => text(i.objectName).slice(0, 40) },
        { header: 'DIRECTION', cell: (i) => text(i.direction) },
        { header: 'CODE', cell: (i) => String(i.errorCode) },
        { header: 'STATE', cell: (i) => i.state, paint: (t) => (t === 'OPEN' ? out.colors.red(t) : t) },
        { header: 'ERROR', cell: (i) => text(i.errorText).replace(/\s+/g, ' ').slice(0, 60) },
      ],
    },
  );

  listCommand<Organization>(program.command('orgs').description('Organizations (tenants)'), {
    name: 'list',
    description: 'List organizations',
    schema: OrganizationListQuery,
    path: () => '/api/v1/organizations',
    columns: (out) => [
      { header: 'ID', cell: (o) => o.id },
      { header: 'NAME', cell: (o) => o.name },
      { header: 'SLUG', cell: (o) => o.slug },
      {
        header: 'SYNC',
        cell: (o) => (o.syncEnabled ? 'enabled' : 'disabled'),
        paint: (t) => (t === 'disabled' ? out.colors.red(t) : t),
      },
    ],
  });

  listCommand<SyncUser>(
    program.command('users').description('Sync users (the people whose data is synced)'),
    {
      name: 'list <org>',
      description: "List an organization's sync users",
      schema: SyncUserListQuery,
      path: ([org]) => path`/api/v1/organizations/${org ?? ''}/users`,
      columns: (out) => [
        { header: 'ID', cell: (u) => u.id },
        { header: 'EXTERNAL ID', cell: (u) => u.externalId },
        { header: 'EMAIL', cell: (u) => text(u.email) },
        { header: 'NAME', cell: (u) => text(u.name) },
        {
          header: 'SYNC',
          cell: (u) => (u.syncEnabled ? 'enabled' : 'disabled'),
          paint: (t) => (t === 'disabled' ? out.colors.red(t) : t),
        },
      ],
    },
  );
}
