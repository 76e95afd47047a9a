import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLI_OPTIONS, helpText, parseCliArgs } from "../../../../infra/local/cli-options.ts";

describe("parseCliArgs", () => {
  it("reads the options, with their defaults", () => {
    expect(parseCliArgs(["--port", "0", "--workers", "2", "--log-format", "json", "--quiet"])).toEqual({
      kind: "run",
      settings: { port: "0", memory: false, dataDir: ".data", workers: "2", logFormat: "json", quiet: true },
    });
    expect(parseCliArgs([])).toMatchObject({ kind: "run", settings: { logFormat: undefined, quiet: false } });
  });

  it("asks for help with --help or -h", () => {
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["--port", "1", "-h"])).toEqual({ kind: "help" });
  });

  it("names an unknown option, a missing value and a stray argument in one line with the help hint", () => {
    expect(parseCliArgs(["--verbose"])).toEqual({
      kind: "usage-error",
      message: "Unknown option '--verbose'. Run with --help for the options.",
    });
    expect(parseCliArgs(["--port"])).toEqual({
      kind: "usage-error",
      message: "Option '--port <value>' argument missing. Run with --help for the options.",
    });
    expect(parseCliArgs(["serve"])).toMatchObject({
      kind: "usage-error",
      message: expect.stringContaining("'serve'"),
    });
  });

  it("refuses a log format other than pretty or json", () => {
    expect(parseCliArgs(["--log-format", "xml"])).toEqual({
      kind: "usage-error",
      message: 'Invalid --log-format "xml": expected pretty or json. Run with --help for the options.',
    });
  });
});

describe("helpText", () => {
  it("describes every option", () => {
    const text = helpText();
    for (const name of Object.keys(CLI_OPTIONS)) expect(text).toContain(`--${name}`);
  });

  it("is what README.md shows, and README.md's option table names every option", () => {
    const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(helpText());
    for (const name of Object.keys(CLI_OPTIONS)) expect(readme).toMatch(new RegExp(`\\| \`--${name}\\b`));
  });
});
