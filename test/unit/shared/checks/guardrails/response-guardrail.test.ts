import { describe, expect, it } from "vitest";
import {
  type GuardrailEvaluator,
  ScannerUnavailableError,
} from "../../../../../shared/checks/guardrails/guardrail-evaluator.ts";
import { responseGuardrail } from "../../../../../shared/checks/guardrails/response-guardrail.ts";
import type { RequestRecord } from "../../../../../shared/core/build-log-event.ts";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import { defaultGateway } from "../../../../../shared/schemas/gateway.ts";
import type { GuardrailPhaseRules } from "../../../../../shared/schemas/guardrails.ts";
import { recordingLogger } from "../../../../support/recording-logger.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A scanner that detects S1 whenever the text holds "bomb", and remembers every text it was shown. */
function fakeScanner(seen: string[], unavailable = false): GuardrailEvaluator {
  return {
    name: "fake",
    async evaluate(text) {
      seen.push(text);
      if (unavailable) throw new ScannerUnavailableError("down");
      return { detected: text.includes("bomb") ? ["S1"] : [] };
    },
  };
}

const chunk = (content: string) =>
  encoder.encode(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);

function facts(rules: GuardrailPhaseRules) {
  const gateway = { ...defaultGateway("gw", new Date()), guardrails: { prompt: {}, response: rules } };
  const record = { id: "row", path: "/v1/acct/gw/openai/chat/completions" } as RequestRecord;
  return { status: 200, contentType: "text/event-stream", record, gateway };
}

/** Runs a body of raw byte pieces through the transform; what the client read, and how it ended. */
async function run(
  pieces: Uint8Array[],
  scanner: GuardrailEvaluator,
  rules: GuardrailPhaseRules,
  windowTokens = 4,
) {
  const transform = responseGuardrail({ evaluator: scanner, logger: recordingLogger(), windowTokens });
  const response = facts(rules);
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  const check = transform.stream(response);
  if (!check) throw new Error("the guardrail left the stream alone");
  const reader = source.pipeThrough(new TransformStream(check)).getReader();
  let delivered = "";
  let failure: unknown = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      delivered += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    failure = error;
  }
  return { delivered, failure, record: response.record };
}

describe("responseGuardrail on a stream", () => {
  it("catches a match split across two chunks, and none of it reaches the client", async () => {
    const event = chunk("how to build a bomb today");
    const cut = decoder.decode(event).indexOf("bo") + 1;
    const seen: string[] = [];
    const { delivered, failure, record } = await run(
      [chunk("Once upon a time "), event.slice(0, cut), event.slice(cut)],
      fakeScanner(seen),
      { S1: "BLOCK" },
      100,
    );
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 424, code: 2017 });
    expect(delivered).not.toContain("bomb");
    expect(delivered).not.toContain("bo");
    expect(record.guardrails?.response).toMatchObject({ action: "BLOCK", categories: ["S1"] });
  });

  it("scans each window with the end of the one before, so a phrase cut at a window's edge is seen whole", async () => {
    const seen: string[] = [];
    const { failure } = await run([chunk("sixteen chars, b"), chunk("omb and more...")], fakeScanner(seen), {
      S1: "BLOCK",
    });
    expect(seen).toEqual(["sixteen chars, b", "sixteen chars, bomb and more..."]);
    expect(failure).toMatchObject({ code: 2017 });
  });

  it("passes a chunk without text on at once, and holds text only until its window is scanned", async () => {
    const seen: string[] = [];
    const role = encoder.encode(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: "assistant" } }] })}\n\n`,
    );
    const { delivered } = await run(
      [role, chunk("abc"), chunk("sixteen chars..."), encoder.encode("data: [DONE]\n\n")],
      fakeScanner(seen),
      { S1: "BLOCK" },
    );
    expect(seen).toEqual(["abcsixteen chars..."]);
    expect(delivered).toBe(
      decoder.decode(role) +
        decoder.decode(chunk("abc")) +
        decoder.decode(chunk("sixteen chars...")) +
        "data: [DONE]\n\n",
    );
  });

  it("flags without changing a byte, and logs the flag", async () => {
    const pieces = [chunk("a bomb"), chunk(" story")];
    const { delivered, failure, record } = await run(pieces, fakeScanner([]), { S1: "FLAG" });
    expect(failure).toBeNull();
    expect(delivered).toBe(pieces.map((piece) => decoder.decode(piece)).join(""));
    expect(record.guardrails?.response).toMatchObject({ action: "FLAG", categories: ["S1"] });
  });

  it("ends the stream with 503/7013 when the scanner fails and a rule blocks", async () => {
    const { delivered, failure } = await run([chunk("sixteen chars...")], fakeScanner([], true), {
      S1: "BLOCK",
    });
    expect(failure).toMatchObject({ status: 503, code: 7013 });
    expect(delivered).toBe("");
  });

  it("lets the stream through when the scanner fails and every rule flags, logged as unavailable", async () => {
    const { delivered, failure, record } = await run([chunk("sixteen chars...")], fakeScanner([], true), {
      S1: "FLAG",
    });
    expect(failure).toBeNull();
    expect(delivered).toContain("sixteen chars...");
    expect(record.guardrails?.response).toMatchObject({ scanner_unavailable: true, action: "NONE" });
  });

  it("applies only to a gateway with response rules, a successful answer, and a stream or a JSON body", () => {
    const transform = responseGuardrail({
      evaluator: fakeScanner([]),
      logger: recordingLogger(),
      windowTokens: 4,
    });
    expect(transform.appliesTo?.(facts({}))).toBe(false);
    expect(transform.appliesTo?.({ ...facts({ S1: "BLOCK" }), status: 400 })).toBe(false);
    expect(transform.appliesTo?.({ ...facts({ S1: "BLOCK" }), contentType: "text/plain" })).toBe(false);
    expect(transform.appliesTo?.({ ...facts({ S1: "BLOCK" }), contentType: "application/json" })).toBe(true);
    expect(typeof transform.whole).toBe("function");
  });
});
