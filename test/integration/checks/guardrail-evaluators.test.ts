import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BedrockGuardrailEvaluator } from "../../../shared/checks/guardrails/bedrock-evaluator.ts";
import { ScannerUnavailableError } from "../../../shared/checks/guardrails/guardrail-evaluator.ts";
import { ModerationGuardrailEvaluator } from "../../../shared/checks/guardrails/moderation-evaluator.ts";
import { MOCK_AWS_ACCESS_KEYS, type MockUpstream, startMockUpstream } from "../../mock-upstream/server.ts";

const [knownKey] = MOCK_AWS_ACCESS_KEYS;

describe("guardrail scanners against the mock upstream", () => {
  let mock: MockUpstream;
  const bedrock = (secretAccessKey: string = knownKey.secretAccessKey) =>
    new BedrockGuardrailEvaluator({
      guardrailId: "gr0abc123",
      guardrailVersion: "3",
      region: "us-east-1",
      endpoint: mock.url,
      credentials: async () => ({ accessKeyId: knownKey.accessKeyId, secretAccessKey }),
      timeoutMs: 5_000,
    });
  const moderation = () =>
    new ModerationGuardrailEvaluator({
      baseUrl: `${mock.url}/v1`,
      apiKey: "sk-moderation",
      model: "omni-moderation-latest",
      timeoutMs: 5_000,
      fetch: globalThis.fetch,
    });

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());

  describe("Bedrock ApplyGuardrail", () => {
    it("sends a SigV4-signed ApplyGuardrail for the guardrail's id and version, the prompt as INPUT", async () => {
      const before = mock.requests.length;
      expect(await bedrock().evaluate("Tell me a story", "prompt")).toEqual({ detected: [] });
      const [sent] = mock.requests.slice(before);
      expect(sent?.path).toBe("/guardrail/gr0abc123/version/3/apply");
      expect(sent?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIAMOCKSTORED000001\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
      );
      expect(JSON.parse(sent?.body ?? "")).toEqual({
        source: "INPUT",
        content: [{ text: { text: "Tell me a story" } }],
      });
    });

    it("reads content filters and denied topics back into categories; the response goes as OUTPUT", async () => {
      const before = mock.requests.length;
      const scan = await bedrock().evaluate("guard:S1 guard:S6 guard:S13", "response");
      expect(scan.detected.sort()).toEqual(["S1", "S13", "S6"]);
      expect(JSON.parse(mock.requests[before]?.body ?? "").source).toBe("OUTPUT");
    });

    it("detects P1 (Bedrock's prompt-attack filter) on prompts only, as Bedrock applies it", async () => {
      expect((await bedrock().evaluate("guard:P1", "prompt")).detected).toEqual(["P1"]);
      expect((await bedrock().evaluate("guard:P1", "response")).detected).toEqual([]);
    });

    it("is unavailable when Bedrock answers 503, and when the signature is refused", async () => {
      await expect(bedrock().evaluate("guard:unavailable", "prompt")).rejects.toThrow(
        ScannerUnavailableError,
      );
      await expect(bedrock("wrong-secret").evaluate("hello", "prompt")).rejects.toThrow(
        /InvalidSignatureException/,
      );
    });

    it("sends a long text in overlapping pieces and unites what they found, a marker on the cut included", async () => {
      const before = mock.requests.length;
      // The marker straddles the first piece's end (20,000 characters).
      const text = `${"a ".repeat(9_998)} guard:S2 ${"b ".repeat(100)}`;
      expect((await bedrock().evaluate(text, "prompt")).detected).toEqual(["S2"]);
      expect(mock.requests.length - before).toBe(2);
    });
  });

  describe("OpenAI-compatible moderation", () => {
    it("posts {model, input} with the key and maps flagged categories", async () => {
      const before = mock.requests.length;
      expect((await moderation().evaluate("guard:S11 guard:S10", "prompt")).detected.sort()).toEqual([
        "S10",
        "S11",
      ]);
      const [sent] = mock.requests.slice(before);
      expect(sent?.path).toBe("/v1/moderations");
      expect(sent?.headers.authorization).toBe("Bearer sk-moderation");
      expect(JSON.parse(sent?.body ?? "")).toEqual({
        model: "omni-moderation-latest",
        input: "guard:S11 guard:S10",
      });
    });

    it("finds nothing for a category OpenAI has none for (a documented gap)", async () => {
      expect((await moderation().evaluate("guard:S6", "prompt")).detected).toEqual([]);
    });

    it("is unavailable when the endpoint fails", async () => {
      await expect(moderation().evaluate("guard:unavailable", "response")).rejects.toThrow(
        ScannerUnavailableError,
      );
    });
  });
});
