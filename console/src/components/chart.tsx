import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

const PALETTE = ["#2f6fdf", "#e0662b", "#2a9d5b", "#b5369b", "#8a6d00", "#0f8b9a", "#d33a3a", "#6b5bd2"];

/** A time-series line chart (uPlot, drawn on a canvas), described in words for screen readers. */
export function Chart(props: { title: string; times: number[]; series: ChartSeries[]; unit?: string }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const foreground = getComputedStyle(element).color;
    const grid = { stroke: "rgba(128,128,128,0.25)", width: 1 };
    const axis = { stroke: foreground, grid, ticks: grid };
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
        axes: [axis, { ...axis, size: 60 }],
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
  }, [props.times, props.series, props.unit]);

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
