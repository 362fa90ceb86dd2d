// Line charts for the dashboard and the statistics page, drawn by uPlot (served by provisiond
// from its WebJar and loaded by the page before this module, as window.uPlot). uPlot draws on a
// canvas of its own and sets its sizes through the DOM, which the console's CSP allows.

const COLORS = ["#1f5fbf", "#b3261e", "#1e7d3a", "#a86200"];
const FILLS = ["rgba(31, 95, 191, 0.10)", null, "rgba(30, 125, 58, 0.10)", null];

/** A number as people read it: 0, 0.25, 12.5, 1,250, 3.4 M. */
export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const size = Math.abs(value);
  if (size >= 10_000_000) return (value / 1_000_000).toLocaleString("en-US", { maximumFractionDigits: 1 }) + " M";
  if (size >= 100) return Math.round(value).toLocaleString("en-US");
  if (size >= 10) return value.toLocaleString("en-US", { maximumFractionDigits: 1 });
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** A time of day on a 24-hour clock, to the second over short spans. */
function clock(seconds, withSeconds) {
  return new Date(seconds * 1000).toLocaleTimeString("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    second: withSeconds ? "2-digit" : undefined,
  });
}

/** The last value that is not null, or null. */
export function latest(values) {
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] !== null && values[i] !== undefined) return values[i];
  }
  return null;
}

/**
 * A time chart in `target`, one line per label, as wide as its container. `update(times, lines)`
 * gives it new data: times in seconds since the epoch, lines as arrays of numbers (null: none).
 */
export function lineChart(target, { labels, height = 150, fromZero = true }) {
  const uPlot = window.uPlot;
  if (!uPlot) throw new Error("the chart library did not load");
  const width = () => Math.max(220, Math.floor(target.clientWidth));
  const options = {
    width: width(),
    height,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      x: { time: true },
      y: fromZero
        ? { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] }
        : { auto: true },
    },
    series: [
      { value: (u, v) => (v === null ? "–" : new Date(v * 1000).toLocaleTimeString()) },
      ...labels.map((label, i) => ({
        label,
        stroke: COLORS[i % COLORS.length],
        fill: FILLS[i % FILLS.length] || undefined,
        width: 1.5,
        // Under the cursor its value there; elsewhere the latest one.
        value: (u, v, series, idx) => formatNumber(idx === null ? latest(u.data[series]) : v),
      })),
    ],
    axes: [
      {
        stroke: "#5b6578",
        space: 64,
        grid: { stroke: "#e9ecf2" },
        ticks: { stroke: "#d5dae3" },
        values: (u, ticks) => ticks.map((t) => clock(t, u.scales.x.max - u.scales.x.min < 600)),
      },
      {
        stroke: "#5b6578",
        size: 56,
        grid: { stroke: "#e9ecf2" },
        ticks: { stroke: "#d5dae3" },
        values: (u, ticks) => ticks.map(formatNumber),
      },
    ],
  };
  const chart = new uPlot(options, [[], ...labels.map(() => [])], target);
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => chart.setSize({ width: width(), height }), 100);
  });
  return {
    chart,
    update(times, lines) {
      chart.setData([times, ...lines]);
    },
    destroy() {
      chart.destroy();
    },
  };
}
