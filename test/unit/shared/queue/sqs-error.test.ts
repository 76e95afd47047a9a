import { describe, expect, it } from "vitest";
import { parseSqsError } from "../../../../shared/queue/sqs-error.ts";

describe("parseSqsError", () => {
  it("reads the documented error: namespaced __type, message, x-amzn-query-error and request id", () => {
    const error = parseSqsError(
      400,
      {
        "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender",
        "x-amzn-requestid": "66916324-67ca-54bb-a410-3f567a7a0571",
      },
      '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
    );
    expect(error).toMatchObject({
      name: "QueueDoesNotExist",
      code: "QueueDoesNotExist",
      queryErrorCode: "AWS.SimpleQueueService.NonExistentQueue",
      senderFault: true,
      statusCode: 400,
      requestId: "66916324-67ca-54bb-a410-3f567a7a0571",
      message: "QueueDoesNotExist: The specified queue does not exist.",
    });
  });

  it("takes a __type without namespace, a colon suffix, and Message spelled with a capital", () => {
    expect(parseSqsError(400, {}, '{"__type":"ThrottlingException","Message":"slow down"}')).toMatchObject({
      code: "ThrottlingException",
      message: "ThrottlingException: slow down",
    });
    expect(parseSqsError(400, {}, '{"__type":"InvalidAddress:http://internal.amazon.com/"}').code).toBe(
      "InvalidAddress",
    );
  });

  it("falls back to the query-compatible code when the body has no __type", () => {
    const error = parseSqsError(400, { "x-amzn-query-error": "RequestThrottled;Sender" }, "{}");
    expect(error).toMatchObject({ code: "RequestThrottled", queryErrorCode: "RequestThrottled" });
  });

  it("names a non-JSON answer (a load balancer's page) after its status, as a server fault for a 5xx", () => {
    const error = parseSqsError(503, {}, "<html>Service Unavailable</html>");
    expect(error).toMatchObject({ code: "Http503Error", statusCode: 503, senderFault: false });
    expect(error.message).toContain("Service Unavailable");
  });

  it("says the status when the body is empty", () => {
    expect(parseSqsError(500, {}, "").message).toBe("Http500Error: HTTP 500");
  });
});
