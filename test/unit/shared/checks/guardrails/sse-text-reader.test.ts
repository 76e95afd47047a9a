import { describe, expect, it } from "vitest";
import { SseTextReader } from "../../../../../shared/checks/guardrails/sse-text-reader.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const event = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;

describe("SseTextReader", () => {
  it("reads an event split across chunks once its line is complete, and says a line is pending meanwhile", () => {
    const reader = new SseTextReader();
    const whole = event("guard:S1");
    expect(reader.push(encode(whole.slice(0, 20)))).toBe("");
    expect(reader.pending).toBe(true);
    expect(reader.push(encode(whole.slice(20)))).toBe("guard:S1");
    expect(reader.pending).toBe(false);
  });

  it("ignores [DONE], comments and lines that are not JSON", () => {
    const reader = new SseTextReader();
    expect(reader.push(encode(`: ping\n\n${event("a")}data: [DONE]\n\ndata: {oops\n\n`))).toBe("a");
  });

  it("reads a last line the stream ended without a newline after", () => {
    const reader = new SseTextReader();
    reader.push(encode(`data: ${JSON.stringify({ choices: [{ delta: { content: "end" } }] })}`));
    expect(reader.end()).toBe("end");
  });

  it("keeps a multi-byte character cut between chunks whole", () => {
    const reader = new SseTextReader();
    const bytes = encode(event("héllo"));
    const cut = bytes.indexOf(0xc3) + 1;
    expect(reader.push(bytes.slice(0, cut)) + reader.push(bytes.slice(cut))).toBe("héllo");
  });
});
