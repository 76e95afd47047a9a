/**
 * Secrets shorter than this are previewed as "****": showing 8 characters of a 12-character secret would
 * give most of it away.
 */
const MIN_PREVIEWABLE_LENGTH = 16;

/** A recognisable, harmless fragment of a secret: its first 4 and last 4 characters. */
export function secretPreview(secret: string): string {
  const characters = Array.from(secret);
  if (characters.length < MIN_PREVIEWABLE_LENGTH) return "****";
  return `${characters.slice(0, 4).join("")}...${characters.slice(-4).join("")}`;
}
