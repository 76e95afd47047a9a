import { describe, expect, it } from "vitest";
import { isUnifiedPath, parseUnifiedPath } from "../../../../shared/unified/unified-path.ts";

const none = new Headers();

describe("unified paths", () => {
  it("tells the unified surfaces from the provider-native one", () => {
    expect(isUnifiedPath("/v1/acc/gw/compat/chat/completions")).toBe(true);
    expect(isUnifiedPath("/v1/acc/gw/compat/embeddings")).toBe(true);
    expect(isUnifiedPath("/client/v4/accounts/acc/ai/v1/messages")).toBe(true);
    expect(isUnifiedPath("/v1/acc/gw/openai/chat/completions")).toBe(false);
    expect(isUnifiedPath("/client/v4/accounts/acc/ai-gateway/gateways")).toBe(false);
  });

  it("parses Workers AI runs: /ai/run with the model in the body or the path, and the workers-ai slug", () => {
    expect(isUnifiedPath("/client/v4/accounts/acc/ai/run/@cf/x")).toBe(true);
    expect(parseUnifiedPath("/client/v4/accounts/acc/ai/run", none)).toEqual({
      surface: "rest",
      accountId: "acc",
      gatewayId: "default",
      format: "workers-ai",
      operation: "run",
    });
    expect(
      parseUnifiedPath("/client/v4/accounts/acc/ai/run/%40cf/meta/llama-3.1-8b-instruct", none).pathModel,
    ).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(parseUnifiedPath("/v1/acc/gw/workers-ai/@cf/openai/gpt-oss-20b", none)).toEqual({
      surface: "compat",
      accountId: "acc",
      gatewayId: "gw",
      format: "workers-ai",
      operation: "run",
      pathModel: "@cf/openai/gpt-oss-20b",
    });
    expect(parseUnifiedPath("/v1/acc/gw/workers-ai/v1/chat/completions", none)).toMatchObject({
      surface: "compat",
      format: "openai",
      operation: "chat",
    });
    expect(() => parseUnifiedPath("/v1/acc/gw/workers-ai/llama", none)).toThrow(/workers-ai serves/);
  });

  it("parses the compat surface", () => {
    expect(parseUnifiedPath("/v1/acc/gw-1/compat/chat/completions", none)).toEqual({
      surface: "compat",
      accountId: "acc",
      gatewayId: "gw-1",
      format: "openai",
      operation: "chat",
    });
  });

  it("names the operation: chat, responses or embeddings, on both surfaces", () => {
    expect(parseUnifiedPath("/v1/acc/gw/compat/responses", none).operation).toBe("responses");
    expect(parseUnifiedPath("/v1/acc/gw/compat/embeddings", none).operation).toBe("embeddings");
    expect(parseUnifiedPath("/client/v4/accounts/acc/ai/v1/responses", none)).toMatchObject({
      surface: "rest",
      format: "openai",
      operation: "responses",
    });
    expect(parseUnifiedPath("/client/v4/accounts/acc/ai/v1/embeddings", none).operation).toBe("embeddings");
    expect(parseUnifiedPath("/client/v4/accounts/acc/ai/v1/messages", none).operation).toBe("chat");
  });

  it("takes the REST surface's gateway from cf-aig-gateway-id, default 'default'", () => {
    expect(parseUnifiedPath("/client/v4/accounts/acc/ai/v1/chat/completions", none)).toMatchObject({
      surface: "rest",
      gatewayId: "default",
      format: "openai",
    });
    const headers = new Headers({ "cf-aig-gateway-id": "team-a" });
    expect(parseUnifiedPath("/client/v4/accounts/acc/ai/v1/messages", headers)).toMatchObject({
      gatewayId: "team-a",
      format: "anthropic",
    });
    expect(parseUnifiedPath("/client/v4/accounts/acc/ai/v1/v1/messages", none).format).toBe("anthropic");
  });

  it("refuses unknown operations (404) and bad gateway ids (400)", () => {
    expect(() => parseUnifiedPath("/v1/acc/gw/compat/images/generations", none)).toThrow(/No route/);
    expect(() =>
      parseUnifiedPath(
        "/client/v4/accounts/acc/ai/v1/messages",
        new Headers({ "cf-aig-gateway-id": "../x" }),
      ),
    ).toThrow(/Invalid gateway id/);
  });
});
