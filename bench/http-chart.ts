// The SVG chart `http.bench.ts` writes: one bar per server for its server CPU per request (the
// figure a loaded machine disturbs least; shorter is better), Kit's in its own colour, each
// labelled with that CPU, its ratio to raw node:http's and the requests per second. Plain SVG
// text, so the README shows it and a diff reads it.

/** One bar of the chart. */
export interface Bar {
  readonly name: string;
  readonly reqPerSec: number;
  readonly cpuMicros: number;
  /** CPU per request against raw node:http's. */
  readonly cpuRatio: number;
}

const width = 760;
const left = 230;
const barHeight = 22;
const gap = 10;
const top = 48;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The chart as an SVG document: `title` and `note` on top, then the bars in the order given. */
export function barChart(title: string, note: string, bars: readonly Bar[]): string {
  const max = Math.max(...bars.map((b) => b.cpuMicros), 1);
  const scale = (width - left - 190) / max;
  const height = top + bars.length * (barHeight + gap) + 30;
  const rows = bars.map((bar, i) => {
    const y = top + i * (barHeight + gap);
    const kit = bar.name.startsWith("Kit");
    const length = Math.max(1, Math.round(bar.cpuMicros * scale));
    const label = `${bar.cpuMicros.toFixed(1)} µs · ${bar.cpuRatio.toFixed(2)}× raw · ${Math.round(bar.reqPerSec).toLocaleString("en-US")} req/s`;
    return [
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-weight="${kit ? "bold" : "normal"}">${escape(bar.name)}</text>`,
      `<rect x="${left}" y="${y}" width="${length}" height="${barHeight}" fill="${kit ? "#2f7d32" : "#8a8f98"}"/>`,
      `<text x="${left + length + 6}" y="${y + 15}">${escape(label)}</text>`,
    ].join("\n  ");
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `  <rect width="100%" height="100%" fill="#ffffff"/>`,
    `  <text x="12" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `  <text x="12" y="36" fill="#555555">${escape(note)}</text>`,
    `  ${rows.join("\n  ")}`,
    `</svg>`,
    "",
  ].join("\n");
}
