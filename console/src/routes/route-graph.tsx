import { layoutRoute } from "./graph-layout.ts";
import type { RouteElement } from "./route-types.ts";

const NODE_WIDTH = 150;
const NODE_HEIGHT = 48;
const COLUMN_GAP = 70;
const ROW_GAP = 24;

/** A route's elements drawn as a graph (SVG): a box per node, an arrow per output, named. */
export function RouteGraph({ elements }: { elements: RouteElement[] }) {
  const { nodes, edges } = layoutRoute(elements);
  const position = new Map(
    nodes.map((node) => [
      node.element.id,
      { x: 10 + node.column * (NODE_WIDTH + COLUMN_GAP), y: 10 + node.row * (NODE_HEIGHT + ROW_GAP) },
    ]),
  );
  const width =
    Math.max(...nodes.map((node) => node.column), 0) * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH + 20;
  const height = Math.max(...nodes.map((node) => node.row), 0) * (NODE_HEIGHT + ROW_GAP) + NODE_HEIGHT + 20;
  const description = edges.map((edge) => `${edge.from} ${edge.label} to ${edge.to}`).join("; ");
  return (
    <svg class="route-graph" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img">
      <title>{`Route graph: ${description}`}</title>
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
        </marker>
      </defs>
      {edges.map((edge, index) => {
        // Outputs that lead to the same element share a line: their names are stacked above it.
        const shared = edges
          .slice(0, index)
          .filter((other) => other.from === edge.from && other.to === edge.to).length;
        const from = position.get(edge.from);
        const to = position.get(edge.to);
        if (!from || !to) return null;
        const x1 = from.x + NODE_WIDTH;
        const y1 = from.y + NODE_HEIGHT / 2;
        const x2 = to.x;
        const y2 = to.y + NODE_HEIGHT / 2;
        return (
          <g key={`${edge.from}-${edge.label}`}>
            <line x1={x1} y1={y1} x2={x2} y2={y2} class="edge" marker-end="url(#arrow)" />
            <text
              x={(x1 + x2) / 2}
              y={(y1 + y2) / 2 - 4 - shared * 13}
              class="edge-label"
              text-anchor="middle"
            >
              {edge.label}
            </text>
          </g>
        );
      })}
      {nodes.map((node) => {
        const at = position.get(node.element.id) ?? { x: 0, y: 0 };
        const model = node.element.properties?.model;
        return (
          <g key={node.element.id}>
            <rect
              x={at.x}
              y={at.y}
              width={NODE_WIDTH}
              height={NODE_HEIGHT}
              rx={6}
              class={`node ${node.element.type}`}
            />
            <text x={at.x + 8} y={at.y + 19} class="node-title">
              {node.element.id}
            </text>
            <text x={at.x + 8} y={at.y + 37} class="node-type">
              {node.element.type}
              {typeof model === "string" ? `: ${model}` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
