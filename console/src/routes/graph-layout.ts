import type { RouteElement } from "./route-types.ts";

export interface PlacedNode {
  element: RouteElement;
  column: number;
  row: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  label: string;
}

/**
 * Columns by distance from `start` (breadth first), rows in order of discovery; elements not reachable
 * (the API refuses those, but a drawing should not) go in a last column.
 */
export function layoutRoute(elements: RouteElement[]): { nodes: PlacedNode[]; edges: PlacedEdge[] } {
  const byId = new Map(elements.map((element) => [element.id, element]));
  const column = new Map<string, number>();
  const start = elements.find((element) => element.type === "start") ?? elements[0];
  const queue = start ? [start.id] : [];
  if (start) column.set(start.id, 0);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const output of Object.values(byId.get(id)?.outputs ?? {})) {
      if (!column.has(output.elementId) && byId.has(output.elementId)) {
        column.set(output.elementId, (column.get(id) ?? 0) + 1);
        queue.push(output.elementId);
      }
    }
  }
  const last = Math.max(-1, ...column.values()) + 1;
  const rows = new Map<number, number>();
  const nodes = elements.map((element) => {
    const placedColumn = column.get(element.id) ?? last;
    const row = rows.get(placedColumn) ?? 0;
    rows.set(placedColumn, row + 1);
    return { element, column: placedColumn, row };
  });
  const edges = elements.flatMap((element) =>
    Object.entries(element.outputs).map(([label, output]) => ({
      from: element.id,
      to: output.elementId,
      label,
    })),
  );
  return { nodes, edges };
}
