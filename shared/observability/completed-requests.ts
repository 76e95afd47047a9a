import { channel } from "node:diagnostics_channel";
import type { LogEvent } from "../schemas/log-event.ts";

/**
 * Every finished request's log event, for whoever listens in the same process: the local runtime's access
 * log (infra/local/access-log.ts) does. A diagnostics channel, as Node's own http and undici publish theirs:
 * nothing is done unless someone subscribes, so on AWS it costs one property read per request. Subscribers
 * run synchronously in the publisher's async context, after the client has its response.
 */
export const completedRequests = channel("ai-gateway:request-completed");

export function publishCompletedRequest(event: LogEvent): void {
  if (completedRequests.hasSubscribers) completedRequests.publish(event);
}
