/**
 * Labels the console shows for the API's codes, as the product documents write them
 * ("SSO Failed", "Authentication-Applications", "ABORTION PENDING"). The API keeps its codes and
 * accepts these labels too.
 */

const SPECIAL: Record<string, string> = {
  NA: 'NA (Not Applicable)',
  SSO_INITIATED: 'SSO Initiated',
  SSO_FAILED: 'SSO Failed',
  SSO_SUCCESSFUL: 'SSO Successful',
  SLO_INITIATED: 'SLO Initiated',
  SLO_FAILED: 'SLO Failed',
  SLO_SUCCESSFUL: 'SLO Successful',
  OUTGOING: 'Outgoing',
  INCOMING: 'Incoming',
  ABORTION_PENDING: 'ABORTION PENDING',
  UNKNOWN: 'Unknown',
  CONNECTOR: 'Connector',
  // Systems whose names are not plain words.
  CRM: 'CRM',
  LEANIX: 'LeanIX',
  SERVICENOW: 'ServiceNow',
  NETSUITE: 'NetSuite',
  SAP_C4C: 'SAP Cloud for Customer',
};

function titleWord(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

/** Request types read hyphenated: `AUTHENTICATION_APPLICATIONS` → `Authentication-Applications`. */
export function requestTypeLabel(code: string): string {
  return code.split('_').map(titleWord).join('-');
}

/** Calls' actions, directions and error sources as the documents name them. */
export function codeLabel(code: string): string {
  return SPECIAL[code] ?? code.split('_').map(titleWord).join(' ');
}

/** Run progress and statuses are shown as codes, the way the Sync Logging document lists them. */
export function progressLabel(code: string): string {
  return SPECIAL[code] ?? code;
}

/** `exchange` → `Exchange`, `oauth2-google` → `Oauth2 Google`; a type with no label of its own. */
export function integrationTypeLabel(type: string): string {
  const known: Record<string, string> = {
    exchange: 'Microsoft Exchange',
    salesforce: 'Salesforce',
    servicenow: 'ServiceNow',
    signavio: 'Signavio',
    netsuite: 'NetSuite',
  };
  return (
    known[type] ??
    type
      .split(/[-_.]/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' ')
  );
}
