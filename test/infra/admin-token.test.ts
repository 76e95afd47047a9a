import { describe, expect, it } from "vitest";
import { synthGateway } from "./synth-gateway.ts";

describe("bootstrap admin token", () => {
  const { stack, template, properties } = synthGateway();

  it("is one generated secret: 48 characters, letters and digits only (safe in a header)", () => {
    template.resourceCountIs("AWS::SecretsManager::Secret", 1);
    expect(properties(stack.gateway.adminTokenSecret).GenerateSecretString).toEqual({
      ExcludePunctuation: true,
      PasswordLength: 48,
    });
  });
});
