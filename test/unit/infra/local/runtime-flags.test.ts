import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LOCAL_RUNTIME_NODE_FLAGS } from "../../../../infra/local/runtime-flags.ts";

describe("the local runtime's Node flags", () => {
  it("are the ones `npm start` passes, so the benchmark runs the runtime users start", () => {
    const packageJson = JSON.parse(
      readFileSync(new URL("../../../../package.json", import.meta.url), "utf8"),
    );
    const start: string = packageJson.scripts.start;

    expect(LOCAL_RUNTIME_NODE_FLAGS.length).toBeGreaterThan(0);
    for (const flag of LOCAL_RUNTIME_NODE_FLAGS) expect(start.split(" ")).toContain(flag);
    expect(start.split(" ").at(-1)).toBe("infra/local/cli.ts");
  });
});
