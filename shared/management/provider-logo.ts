import { createHash } from "node:crypto";

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Up to two letters: the first of the first two words ("Acme AI" -> "AA", "mistral" -> "M"). */
function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s_-]+/)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0] ?? "");
  return letters.join("").toUpperCase() || "?";
}

/**
 * The logo the reference says a custom provider gets: a small SVG, as a base64 data URI. Deterministic
 * (the same name always gives the same logo): the hue comes from a hash of the name, the text is its
 * initials, escaped for XML so a name can never inject markup.
 */
export function providerLogo(name: string): string {
  const hue = createHash("sha256").update(name).digest().readUInt16BE(0) % 360;
  const text = initials(name).replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" rx="12" fill="hsl(${hue},55%,45%)"/>` +
    `<text x="32" y="41" font-family="sans-serif" font-size="24" font-weight="600" fill="#fff" text-anchor="middle">${text}</text>` +
    `</svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}
