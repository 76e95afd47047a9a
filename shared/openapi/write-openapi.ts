/**
 * `npm run openapi`: writes docs/openapi.json from the zod schemas (openapi-document.ts), which the script
 * then formats with biome. Run it after changing a management route or a schema; a test fails while the
 * checked-in file is stale.
 */
import { writeFileSync } from "node:fs";
import { openApiText } from "./openapi-document.ts";

const target = new URL("../../docs/openapi.json", import.meta.url);
writeFileSync(target, openApiText());
console.log(`Wrote ${target.pathname}`);
