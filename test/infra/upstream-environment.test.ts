import { Annotations, Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  trustedUpstreamHostsVariable,
  upstreamEnvironment,
  upstreamVariableName,
} from "../../infra/aws/constructs/upstream-environment.ts";
import { synthGateway } from "./synth-gateway.ts";

describe("upstream overrides", () => {
  it("names the variable the way shared/config/env.ts reads it", () => {
    expect(upstreamVariableName("openai")).toBe("UPSTREAM_OPENAI_URL");
    expect(upstreamVariableName("google-ai-studio")).toBe("UPSTREAM_GOOGLE_AI_STUDIO_URL");
  });

  it("turns overrides into variables", () => {
    expect(
      upstreamEnvironment({ openai: "http://127.0.0.1:8080/v1", groq: "https://groq.internal" }),
    ).toEqual({
      variables: {
        UPSTREAM_OPENAI_URL: "http://127.0.0.1:8080/v1",
        UPSTREAM_GROQ_URL: "https://groq.internal",
      },
      unknownSlugs: [],
    });
    expect(upstreamEnvironment()).toEqual({ variables: {}, unknownSlugs: [] });
  });

  it("rejects a slug that is not lower-case words joined by hyphens", () => {
    expect(() => upstreamEnvironment({ OpenAI: "https://x.test" })).toThrow(
      /"OpenAI" is not a provider slug/,
    );
    expect(() => upstreamEnvironment({ google_ai_studio: "https://x.test" })).toThrow(/not a provider slug/);
  });

  it("rejects a value that is not an http(s) URL, naming the slug", () => {
    expect(() => upstreamEnvironment({ openai: "api.openai.com" })).toThrow(/upstreamOverrides\.openai/);
    expect(() => upstreamEnvironment({ openai: "ftp://files.test" })).toThrow(/not an http\(s\) URL/);
  });

  it("warns at synth about a slug the provider registry does not know", () => {
    expect(upstreamEnvironment({ "open-ai": "https://x.test" }).unknownSlugs).toEqual(["open-ai"]);
    const { stack } = synthGateway({ upstreamOverrides: { "open-ai": "https://x.test" } });
    Annotations.fromStack(stack).hasWarning("*", Match.stringLikeRegexp("no provider named open-ai"));
  });

  it("joins trusted hosts for TRUSTED_UPSTREAM_HOSTS, as bare host names the SSRF guard compares", () => {
    expect(trustedUpstreamHostsVariable()).toBe("");
    expect(trustedUpstreamHostsVariable([" llm.corp.internal ", "10.0.0.12", "::1", "[fd00::1]"])).toBe(
      "llm.corp.internal,10.0.0.12,::1,fd00::1",
    );
  });

  it.each([
    "",
    "https://llm.internal",
    "llm.internal:8080",
    "llm.internal/v1",
    "a.internal,b.internal",
    "a b",
  ])("rejects %j as a trusted host, naming it", (entry) => {
    expect(() => trustedUpstreamHostsVariable([entry])).toThrow(
      `trustedUpstreamHosts: "${entry}" is not a host name or IP address`,
    );
  });
});
