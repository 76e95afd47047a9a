import { describe, expect, it } from "vitest";
import { matchRoute } from "../../../../infra/local/routes.ts";

describe("matchRoute", () => {
  it("sends the console's page and files to the api function, as the REST API's / and /console/{proxy+}", () => {
    expect(matchRoute("/")).toEqual({ resource: "/", pathParameters: {}, target: "api" });
    expect(matchRoute("/console/app-ABC.js")).toEqual({
      resource: "/console/{proxy+}",
      pathParameters: { proxy: "app-ABC.js" },
      target: "api",
    });
  });

  it("leaves every other path outside the API unmatched (API Gateway's 403)", () => {
    expect(matchRoute("/console")).toBeUndefined();
    expect(matchRoute("/index.html")).toBeUndefined();
    expect(matchRoute("/v1/local/default/openai/chat/completions")?.target).toBe("proxy");
  });
});
