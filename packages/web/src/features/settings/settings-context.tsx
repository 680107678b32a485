import type { Organization } from '@synctrail/types';
import { createContext, useContext } from 'react';

/** The organization the settings screens manage, chosen by the layout (`?org=`), and the caller's role in it. */
export interface SettingsOrganization {
  organization: Organization;
  role: 'OPERATOR' | 'ADMIN';
  /** The signed-in account's id (a member row marked "you"), or null for the bootstrap token. */
  accountId: string | null;
}

export const SettingsContext = createContext<SettingsOrganization | null>(null);

export function useSettingsOrganization(): SettingsOrganization {
  const value = useContext(SettingsContext);
  if (value === null) throw new Error('useSettingsOrganization outside the settings layout');
  return value;
}
