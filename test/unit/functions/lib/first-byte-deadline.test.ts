import type { APIGatewayProxyEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { firstByteTimeLeft } from "../../../../functions/lib/first-byte-deadline.ts";

const receivedAt = 1_000_000;
const eventReceivedAt = (requestTimeEpoch: number | undefined) =>
  ({ requestContext: { requestTimeEpoch } }) as unknown as APIGatewayProxyEvent;

describe("firstByteTimeLeft", () => {
  it("is the Lambda's remaining time when no first-byte deadline is set (local runtime)", () => {
    const left = firstByteTimeLeft(
      eventReceivedAt(receivedAt),
      () => 840_000,
      undefined,
      () => receivedAt,
    );

    expect(left()).toBe(840_000);
  });

  it("counts the deadline from when API Gateway received the request, cold start included", () => {
    let now = receivedAt + 3_000;
    const left = firstByteTimeLeft(
      eventReceivedAt(receivedAt),
      () => 897_000,
      290_000,
      () => now,
    );

    expect(left()).toBe(287_000);
    now += 100_000;
    expect(left()).toBe(187_000);
  });

  it("keeps the Lambda's deadline when it comes first", () => {
    const left = firstByteTimeLeft(
      eventReceivedAt(receivedAt),
      () => 20_000,
      290_000,
      () => receivedAt,
    );

    expect(left()).toBe(20_000);
  });

  it("counts from the invocation's start when the event has no request time", () => {
    let now = 5_000;
    const left = firstByteTimeLeft(
      eventReceivedAt(undefined),
      () => 900_000,
      290_000,
      () => now,
    );
    now += 1_000;

    expect(left()).toBe(289_000);
  });
});
