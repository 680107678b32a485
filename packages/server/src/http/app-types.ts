import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Access } from '../auth/access.js';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; set by the auth hook on every non-public route. */
    access: Access;
  }
  interface FastifyContextConfig {
    /** Routes that answer without credentials (health, docs). */
    public?: boolean;
    /** Routes that also take `SYNCTRAIL_METRICS_TOKEN` as a bearer token (`GET /metrics`). */
    metricsToken?: boolean;
  }
}
