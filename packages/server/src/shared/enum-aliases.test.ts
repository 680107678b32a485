import { describe, expect, it } from 'vitest';
import { CALL_ACTION, KNOWN_REQUEST_TYPES, SYNC_STATUS } from '@synctrail/types';
import { canonicalCode, matchEnum } from './enum-aliases.js';

describe('matchEnum', () => {
  it('takes codes in any case and the seed documents labels', () => {
    expect(matchEnum('error', SYNC_STATUS)).toBe('ERROR');
    expect(matchEnum('Error', SYNC_STATUS)).toBe('ERROR');
    expect(matchEnum('SSO Failed', CALL_ACTION)).toBe('SSO_FAILED');
    expect(matchEnum('slo successful', CALL_ACTION)).toBe('SLO_SUCCESSFUL');
    expect(matchEnum('Authentication-Applications', KNOWN_REQUEST_TYPES)).toBe('AUTHENTICATION_APPLICATIONS');
  });

  it('matches nothing it does not name', () => {
    expect(matchEnum('errors', SYNC_STATUS)).toBeUndefined();
    expect(matchEnum('SSO', CALL_ACTION)).toBeUndefined();
  });

  it('reads spaces and hyphens as underscores', () => {
    expect(canonicalCode(' Logout-Connections ')).toBe('LOGOUT_CONNECTIONS');
    expect(canonicalCode('abortion  pending')).toBe('ABORTION_PENDING');
  });
});
