import type { Tracer } from "@aws-lambda-powertools/tracer";
import { describe, expect, it } from "vitest";
import { completedRequests } from "../../../../shared/observability/completed-requests.ts";
import { gatewayObserver } from "../../../../shared/observability/gateway-observer.ts";
import type { RequestMetrics } from "../../../../shared/observability/request-metrics.ts";
import type { LogEvent } from "../../../../shared/schemas/log-event.ts";

describe("the completed-requests channel", () => {
  it("carries each event the proxy's observer completes, after its metrics, to whoever subscribes", () => {
    const order: string[] = [];
    const metrics = { record: () => order.push("metrics") } as unknown as RequestMetrics;
    const observer = gatewayObserver(metrics, {} as Tracer);
    const event = { id: "log-1" } as LogEvent;
    const received: unknown[] = [];
    const listener = (message: unknown) => {
      order.push("channel");
      received.push(message);
    };
    completedRequests.subscribe(listener);
    try {
      observer.requestCompleted(event, null);
    } finally {
      completedRequests.unsubscribe(listener);
    }
    expect(received).toEqual([event]);
    expect(order).toEqual(["metrics", "channel"]);
    // Nobody listening: nothing is published (on AWS nobody does).
    observer.requestCompleted(event, null);
    expect(received).toHaveLength(1);
  });
});
