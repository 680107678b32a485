import { SsoDiscovery, withSsoLabels, type CallInput } from '@synctrail/types';

/** Organizations whose discovery documents this process remembers (the one seen least recently goes first). */
const MAX_ORGANIZATIONS = 1000;

/**
 * Labels calls posted without action, request type or login (SSO/SLO recognition of @synctrail/types),
 * before they are masked. Each organization has its own memory of the discovery documents it posted,
 * so one tenant's identity provider never labels another's calls. The memory is this process's: behind
 * a load balancer a process that has not seen the document still recognises the usual paths.
 */
export class SsoLabeller {
  private readonly discoveries = new Map<string, SsoDiscovery>();

  /** The call with recognised labels filled in where the caller set none (the same object otherwise). */
  label(organizationId: string, input: CallInput): CallInput {
    return withSsoLabels(input, this.discoveryOf(organizationId));
  }

  private discoveryOf(organizationId: string): SsoDiscovery {
    let discovery = this.discoveries.get(organizationId);
    if (discovery) {
      // Map order is insertion order: re-inserting marks it as recently used.
      this.discoveries.delete(organizationId);
    } else {
      discovery = new SsoDiscovery();
      if (this.discoveries.size >= MAX_ORGANIZATIONS)
        this.discoveries.delete(this.discoveries.keys().next().value as string);
    }
    this.discoveries.set(organizationId, discovery);
    return discovery;
  }
}
