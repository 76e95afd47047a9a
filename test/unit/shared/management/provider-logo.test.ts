import { describe, expect, it } from "vitest";
import { providerLogo } from "../../../../shared/management/provider-logo.ts";

const svgOf = (uri: string) =>
  Buffer.from(uri.replace("data:image/svg+xml;base64,", ""), "base64").toString();

describe("providerLogo", () => {
  it("is a base64 SVG data URI with the name's initials", () => {
    const logo = providerLogo("Acme Models");
    expect(logo).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/);
    expect(svgOf(logo)).toContain(">AM</text>");
  });

  it("is the same for the same name and differs between names", () => {
    expect(providerLogo("Acme")).toBe(providerLogo("Acme"));
    expect(providerLogo("Acme")).not.toBe(providerLogo("Zenith"));
  });

  it("escapes a name that tries to inject markup", () => {
    const svg = svgOf(providerLogo("<script> &x"));
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;&amp;");
  });
});
