export { recognizeSso, withSsoLabels, type Labelled } from './recognize.js';
export { SsoDiscovery, endpointKey, type OidcEndpoint } from './discovery.js';
export type { SsoCall, SsoHeaders, SsoLabels } from './sso-call.js';
