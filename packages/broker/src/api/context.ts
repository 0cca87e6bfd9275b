import type * as grpc from '@grpc/grpc-js';
import { CLUSTER_RESOURCE_NAME, type Operation, type Principal, type QuotaKind, type ResourceType } from '@herald/security/models';
import { delay } from '../host/clock.js';
import type { HeraldNode } from '../node.js';

type Checked = Exclude<Operation, 'all'>;

/**
 * Who a call on the client port comes from, and what it may do: the principal its session token
 * or client certificate proves (anonymous on an insecure node, where everything is allowed), the
 * ACL checks a handler makes once it knows which resources the call touches, and the quotas the
 * call is counted against. A handler validates, authorizes, calls one broker operation, counts.
 */
export class CallContext {
  /** Milliseconds to hold the answer back, summed over the quotas the call exceeded. */
  private throttledMs = 0;

  private constructor(
    private readonly node: HeraldNode,
    readonly principal: Principal,
  ) {}

  /** Authenticates a call (throws Unauthenticated) and counts it against the request quota. */
  static of(node: HeraldNode, call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'metadata' | 'getAuthContext'>): CallContext {
    const authorization = call.metadata.get('authorization')[0];
    const { principal } = node.security.authenticate(typeof authorization === 'string' ? authorization : authorization?.toString(), call.getAuthContext().sslPeerCertificate);
    const context = new CallContext(node, principal);
    context.count('request', 1);
    return context;
  }

  /** Throws PermissionDenied unless the principal may perform `operation` on the resource. */
  authorize(operation: Checked, type: ResourceType, name: string = CLUSTER_RESOURCE_NAME): void {
    this.node.security.authorize(this.principal, operation, { type, name });
  }

  /** Whether the principal may perform `operation` on the resource (for lists it filters). */
  allows(operation: Checked, type: ResourceType, name: string = CLUSTER_RESOURCE_NAME): boolean {
    return this.node.security.allows(this.principal, operation, { type, name });
  }

  /** Counts `amount` of `kind` against the principal's quota (bytes produced or fetched, or
   *  one request); an excess holds the answer back (release()). */
  count(kind: QuotaKind, amount: number): void {
    const ms = this.node.security.throttleMs(this.principal, kind, amount);
    if (ms > 0) {
      this.throttledMs = Math.max(this.throttledMs, ms);
      this.node.metrics.quotaThrottled.inc({ principal: this.principal, kind }, ms / 1000);
    }
  }

  /** Resolves once the answer may go: at once, or after the quota throttle (Kafka's rule: a
   *  principal over its quota is slowed down, not refused). */
  release(): Promise<void> {
    return this.throttledMs > 0 ? delay(this.node.clock, this.throttledMs) : Promise.resolve();
  }
}
