import { describe, expect, it } from "vitest";
import { ApiClient } from "../../../../console/src/api-client.ts";

describe("ApiClient", () => {
  it("puts the management API under the page's own directory, so a stage prefix needs no setting", () => {
    const staged = new ApiClient("token", "acc", { href: "https://api.example/prod/#/gateways" });
    expect(staged.url("/gateways", { per_page: 50, search: "" })).toBe(
      "https://api.example/prod/client/v4/accounts/acc/ai-gateway/gateways?per_page=50",
    );
    const local = new ApiClient("token", "local", { href: "http://127.0.0.1:8787/" });
    expect(local.url("/tokens")).toBe("http://127.0.0.1:8787/client/v4/accounts/local/ai-gateway/tokens");
  });
});
