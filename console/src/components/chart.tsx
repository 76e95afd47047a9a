import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

const PALETTE = ["#2f6fdf", "#e0662b", "#2a9d5b", "#b5369b", "#8a6d00", "#0f8b9a", "#d33a3a", "#6b5bd2"];

/** A time-series line chart (uPlot, drawn on a canvas), described in words for screen readers. */
export function Chart(props: {
  title: string;
  times: number[];
  series: ChartSeries[];
  /** The x axis: the picked time range in unix seconds, so a single bucket sits where it belongs. */
  range: [number, number];
  unit?: string | undefined;
}) {
  const container = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const foreground = getComputedStyle(element).color;
    const grid = { stroke: "rgba(128,128,128,0.25)", width: 1 };
    const axis = { stroke: foreground, grid, ticks: grid };
    // Small figures (a cost of $0.000005) keep their significant digits instead of rounding to 0.
    const yValues = (_plot: uPlot, splits: number[]) =>
      splits.map((value) => String(Number(value.toPrecision(3))));
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 220,
        series: [
          {},
          ...props.series.map((series, index) => ({
            label: series.label,
            stroke: PALETTE[index % PALETTE.length] ?? "#2f6fdf",
            width: 2,
            points: { show: true, size: 5 },
            value: (_plot: uPlot, value: number | null) =>
              value === null ? "–" : `${Number(value.toPrecision(4))}${props.unit ?? ""}`,
          })),
        ],
        scales: { x: { time: true, range: () => props.range } },
        axes: [axis, { ...axis, size: 84, values: yValues }],
        legend: { show: true },
      },
      [props.times, ...props.series.map((series) => series.values)],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, element.clientWidth), height: 220 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.times, props.series, props.unit, props.range, scheme]);

  const summary = props.series
    .map(
      (series) => `${series.label}: ${series.values.reduce<number>((sum, value) => sum + (value ?? 0), 0)}`,
    )
    .join(", ");
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={container} role="img" aria-label={`${props.title}. Totals over the range: ${summary}`} />
    </figure>
  );
}

/** The system's light or dark preference, followed live: the canvas takes its axis colour when drawn. */
function useColorScheme(): "light" | "dark" {
  const query = "(prefers-color-scheme: dark)";
  const [scheme, setScheme] = useState<"light" | "dark">(() =>
    matchMedia(query).matches ? "dark" : "light",
  );
  useEffect(() => {
    const media = matchMedia(query);
    const update = () => setScheme(media.matches ? "dark" : "light");
    media.addEventListener("change", update);
    return () => media.removeEventListener("change", update);
  }, []);
  return scheme;
}
