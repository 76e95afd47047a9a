import { describe, expect, it } from "vitest";
import { layoutRoute } from "../../../../../console/src/routes/graph-layout.ts";
import { TEMPLATE_ELEMENTS } from "../../../../../console/src/routes/route-types.ts";

describe("layoutRoute", () => {
  it("puts each element one column further than the nearest element leading to it", () => {
    const { nodes, edges } = layoutRoute(TEMPLATE_ELEMENTS);
    expect(nodes.map((node) => [node.element.id, node.column, node.row])).toEqual([
      ["start", 0, 0],
      ["model", 1, 0],
      ["end", 2, 0],
    ]);
    expect(edges).toEqual([
      { from: "start", to: "model", label: "next" },
      { from: "model", to: "end", label: "success" },
      { from: "model", to: "end", label: "fallback" },
    ]);
  });

  it("draws elements that nothing reaches in a last column rather than dropping them", () => {
    const { nodes } = layoutRoute([
      { id: "start", type: "start", outputs: {} },
      { id: "orphan", type: "end", outputs: {} },
    ]);
    expect(nodes.map((node) => [node.element.id, node.column])).toEqual([
      ["start", 0],
      ["orphan", 1],
    ]);
  });
});
