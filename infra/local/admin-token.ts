import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The bootstrap admin token under `npm start`: AIG_API_TOKEN if set; else the one generated on an earlier
 * start and kept in `.data/admin-token` (mode 0600), so a restart keeps it; else a new random one.
 */
export function localAdminToken(
  explicit: string | undefined,
  dataDir: string | null,
): { token: string; source: "environment" | "file" | "generated"; file: string | null } {
  const file = dataDir ? join(dataDir, "admin-token") : null;
  if (explicit) return { token: explicit, source: "environment", file };
  if (file && existsSync(file)) return { token: readFileSync(file, "utf8").trim(), source: "file", file };
  const token = `aig_${randomBytes(24).toString("base64url")}`;
  if (file) writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: "generated", file };
}
