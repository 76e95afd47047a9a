import { describe, expect, it } from "vitest";
import { responseBlocked } from "../../../../../shared/checks/dlp/dlp-errors.ts";
import { buildScanPlan, type DlpHit } from "../../../../../shared/checks/dlp/scan-plan.ts";
import { createSseDlpStream } from "../../../../../shared/checks/dlp/sse-dlp-stream.ts";
import type { DlpAction } from "../../../../../shared/schemas/dlp-settings.ts";

const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
const ROLE = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: "assistant" } }] })}\n\n`;

function planFor(action: DlpAction) {
  const plan = buildScanPlan(
    {
      enabled: true,
      policies: [
        { id: "p", action, check: ["RESPONSE"], enabled: true, profiles: ["financial-information"] },
      ],
    },
    "RESPONSE",
  );
  if (!plan) throw new Error("no plan");
  return plan;
}

/** Feeds the events one chunk each and records what comes out after every chunk. */
async function run(action: DlpAction, events: string[]) {
  const hits: DlpHit[] = [];
  let blocked = false;
  const transformer = createSseDlpStream(
    planFor(action),
    {
      onHits: (found) => hits.push(...found),
      blockedError: responseBlocked,
      onBlocked: () => (blocked = true),
    },
    null,
  );
  const stream = new TransformStream(transformer);
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const decoder = new TextDecoder();
  const outputs: string[] = [];
  const collected = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      outputs.push(decoder.decode(value));
    }
  })();
  const afterEach: number[] = [];
  for (const event of events) {
    await writer.write(new TextEncoder().encode(event)).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    afterEach.push(outputs.length);
  }
  await writer.close().catch(() => {});
  await collected;
  return { output: outputs.join(""), outputs, afterEach, hits, blocked };
}

const contentOf = (output: string) =>
  output
    .split("\n")
    .filter((line) => line.startsWith("data: {"))
    .map((line) => JSON.parse(line.slice(6)).choices?.[0]?.delta?.content ?? "")
    .join("");

describe("createSseDlpStream", () => {
  it("passes an event without text at once, and text with no possible match at once", async () => {
    const { afterEach } = await run("BLOCK", [ROLE, chunk("Hello there. "), chunk("Bye.")]);
    expect(afterEach).toEqual([1, 2, 3]);
  });

  it("holds back an event ending in digits until the next one decides them", async () => {
    const { afterEach, output } = await run("FLAG", [ROLE, chunk("call 12"), chunk("34 now.")]);
    expect(afterEach[1]).toBe(1);
    expect(contentOf(output)).toBe("call 1234 now.");
  });

  it("redacts a card number split across two events: one marker in the first, the rest removed", async () => {
    const { output, hits } = await run("REDACT", [ROLE, chunk("card 4111 1111 11"), chunk("11 1111 end")]);
    expect(contentOf(output)).toBe("card [REDACTED] end");
    expect(hits.map((hit) => hit.entry.detector.id)).toEqual(["credit-card"]);
  });

  it("ends a blocked stream with the error event and never sends the held events", async () => {
    const { output, blocked } = await run("BLOCK", [
      ROLE,
      chunk("ok. card 4111 11"),
      chunk("11 1111 1111 end"),
      chunk("more"),
    ]);
    expect(blocked).toBe(true);
    expect(output).not.toContain("4111");
    expect(output).not.toContain("more");
    expect(output).toContain('"code":2030');
  });

  it("passes the stream through unchanged when nothing matches", async () => {
    const events = [ROLE, chunk("nothing to see"), "data: [DONE]\n\n"];
    expect((await run("REDACT", events)).output).toBe(events.join(""));
  });
});
