import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { validateRouteElements } from "../../../../shared/routing/route-graph.ts";

const to = (elementId: string) => ({ elementId });

/** start -> conditional(plan=free) -> cheap model | rich model -> end */
function validRoute(): Record<string, unknown>[] {
  return [
    { id: "start", type: "start", outputs: { next: to("plan") } },
    {
      id: "plan",
      type: "conditional",
      properties: { condition: { "metadata.plan": { $eq: "free" } } },
      outputs: { true: to("cheap"), false: to("rich") },
    },
    {
      id: "cheap",
      type: "model",
      properties: { provider: "openai", model: "gpt-4o-mini", timeout: 5000, retries: 1 },
      outputs: { success: to("end"), fallback: to("rich") },
    },
    {
      id: "rich",
      type: "model",
      properties: { provider: "anthropic", model: "claude-sonnet-4-5" },
      outputs: { success: to("end") },
    },
    { id: "end", type: "end", outputs: {} },
  ];
}

function refusal(elements: unknown): GatewayError {
  try {
    validateRouteElements(elements);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return error as GatewayError;
  }
  throw new Error("expected the route to be refused");
}

function withElement(id: string, change: (element: Record<string, unknown>) => void) {
  const elements = validRoute();
  const element = elements.find((candidate) => candidate.id === id);
  if (!element) throw new Error(`no element ${id}`);
  change(element);
  return elements;
}

describe("validateRouteElements", () => {
  it("accepts a valid route and fills in the defaults", () => {
    const elements = validateRouteElements(validRoute());
    expect(elements.map((element) => element.type)).toEqual([
      "start",
      "conditional",
      "model",
      "model",
      "end",
    ]);
    const rich = elements[3];
    expect(rich?.type === "model" && rich.properties.retries).toBe(0);
  });

  it("accepts the SDK spellings: conditions, type rate, window", () => {
    const elements = validateRouteElements([
      { id: "s", type: "start", outputs: { next: to("c") } },
      {
        id: "c",
        type: "conditional",
        properties: { conditions: { "headers.x-tier": "gold" } },
        outputs: { true: to("r"), false: to("e") },
      },
      {
        id: "r",
        type: "rate",
        properties: {
          limitType: "count",
          key: "metadata.user_id",
          limit: 10,
          window: 60,
          technique: "fixed",
        },
        outputs: { success: to("e") },
      },
      { id: "e", type: "end", outputs: {} },
    ]);
    expect(elements[1]).toMatchObject({ properties: { condition: { "headers.x-tier": "gold" } } });
    expect(elements[2]).toMatchObject({
      type: "rate_limit",
      properties: { interval: 60, technique: "fixed" },
    });
  });

  it("refuses a non-array", () => {
    expect(refusal({}).message).toMatch(/elements: must be an array/);
  });

  it("names the element and the field of a schema error", () => {
    const error = refusal(
      withElement("cheap", (element) => Object.assign(element.properties as object, { retries: 9 })),
    );
    expect(error.message).toMatch(/^element "cheap" \(model\): properties\.retries:/);
  });

  it("names the element of an unknown node type", () => {
    const error = refusal(withElement("plan", (element) => Object.assign(element, { type: "switch" })));
    expect(error.message).toMatch(/element "plan": type: unknown node type "switch"/);
  });

  it("refuses a route without a start, and one with two", () => {
    expect(refusal(validRoute().slice(1)).message).toMatch(/exactly one start element, found none/);
    const twoStarts = [...validRoute(), { id: "start2", type: "start", outputs: { next: to("end") } }];
    expect(refusal(twoStarts).message).toMatch(/found 2 \("start", "start2"\)/);
  });

  it("refuses duplicate ids", () => {
    const elements = [...validRoute(), { id: "end", type: "end", outputs: {} }];
    expect(refusal(elements).message).toMatch(/element "end": id: used by more than one element/);
  });

  it("names the element and output of a dangling output", () => {
    const error = refusal(
      withElement("plan", (element) =>
        Object.assign(element, { outputs: { true: to("cheap"), false: to("nowhere") } }),
      ),
    );
    expect(error.message).toBe('element "plan": outputs.false: points to "nowhere", which is not an element');
  });

  it("refuses a cycle and shows it", () => {
    const elements = withElement("rich", (element) =>
      Object.assign(element, { type: "model", outputs: { success: to("end"), fallback: to("cheap") } }),
    );
    expect(refusal(elements).message).toMatch(/makes a cycle \("cheap" -> "rich" -> "cheap"\)/);
  });

  it("refuses output names the type does not have, and missing required ones", () => {
    const wrong = refusal(
      withElement("plan", (element) =>
        Object.assign(element, { outputs: { yes: to("cheap"), false: to("rich") } }),
      ),
    );
    expect(wrong.message).toMatch(
      /element "plan": outputs\.yes: a conditional element has outputs true, false/,
    );
    const missing = refusal(
      withElement("plan", (element) => Object.assign(element, { outputs: { true: to("cheap") } })),
    );
    expect(missing.message).toMatch(/element "plan": outputs\.false: missing/);
    const endWithOutput = refusal(
      withElement("end", (element) => Object.assign(element, { outputs: { next: to("rich") } })),
    );
    expect(endWithOutput.message).toMatch(/element "end": outputs\.next: a end element has no outputs/);
  });

  it("refuses a model on a provider the unified API does not translate to", () => {
    const error = refusal(
      withElement("rich", (element) => Object.assign(element.properties as object, { provider: "acme" })),
    );
    expect(error.message).toMatch(/^element "rich": properties\.provider: Unknown provider "acme"/);
  });

  it("refuses a fractional count limit", () => {
    const error = refusal([
      { id: "s", type: "start", outputs: { next: to("r") } },
      {
        id: "r",
        type: "rate_limit",
        properties: { limit: 1.5, interval: 60 },
        outputs: { success: to("e") },
      },
      { id: "e", type: "end" },
    ]);
    expect(error.message).toMatch(/element "r": properties\.limit: a count limit is a whole number/);
  });

  it("refuses a model whose success does not lead to an end", () => {
    const error = refusal(
      withElement("cheap", (element) => Object.assign(element, { outputs: { success: to("rich") } })),
    );
    expect(error.message).toMatch(/element "cheap": outputs\.success: must point to an end element/);
  });

  it("refuses an unknown condition operator and an unknown path at save time", () => {
    const operator = refusal(
      withElement("plan", (element) =>
        Object.assign(element, { properties: { condition: { "metadata.plan": { $regex: "f" } } } }),
      ),
    );
    expect(operator.message).toMatch(
      /element "plan": properties\.condition\.metadata\.plan\.\$regex: unknown operator/,
    );
    const path = refusal(
      withElement("plan", (element) =>
        Object.assign(element, { properties: { condition: { "query.plan": "free" } } }),
      ),
    );
    expect(path.message).toMatch(/element "plan": .*unknown path "query\.plan"/);
  });

  it("refuses an element nothing reaches", () => {
    const elements = [...validRoute(), { id: "orphan", type: "end", outputs: {} }];
    expect(refusal(elements).message).toBe('element "orphan": cannot be reached from the start element');
  });

  it("refuses pointing back at the start", () => {
    const error = refusal(
      withElement("rich", (element) =>
        Object.assign(element, { type: "model", outputs: { success: to("end"), fallback: to("start") } }),
      ),
    );
    expect(error.message).toMatch(/element "rich": outputs\.fallback: may not point back to the start/);
  });

  describe("percentage", () => {
    const route = (outputs: Record<string, string>) => [
      { id: "s", type: "start", outputs: { next: to("split") } },
      {
        id: "split",
        type: "percentage",
        outputs: Object.fromEntries(Object.entries(outputs).map(([name, target]) => [name, to(target)])),
      },
      { id: "e", type: "end", outputs: {} },
    ];

    it("accepts shares summing to 100, and below 100 with else", () => {
      expect(validateRouteElements(route({ "25%": "e", "25.5%": "e", "49.5%": "e" }))).toHaveLength(3);
      expect(validateRouteElements(route({ "10%": "e", else: "e" }))).toHaveLength(3);
    });

    it("refuses more than 5 named branches", () => {
      const six = Object.fromEntries(["10%", "11%", "12%", "13%", "14%", "15%"].map((name) => [name, "e"]));
      expect(refusal(route({ ...six, else: "e" })).message).toMatch(/element "split": outputs: at most 5/);
    });

    it("refuses shares over 100, and below 100 without else", () => {
      expect(refusal(route({ "60%": "e", "50%": "e" })).message).toMatch(/sum to 110%, more than 100%/);
      expect(refusal(route({ "60%": "e", "30%": "e" })).message).toMatch(
        /sum to 90%; add an "else" output for the other 10%/,
      );
    });

    it("refuses output names that are not shares", () => {
      expect(refusal(route({ half: "e", else: "e" })).message).toMatch(/element "split": outputs\.half:/);
      expect(refusal(route({ "0%": "e", else: "e" })).message).toMatch(/outputs\.0%:/);
    });
  });
});
