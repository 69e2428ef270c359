import type { Flavour } from "../options.ts";

/** The constant parts of one series' line, built once when the series is made. */
export interface LineParts {
  /** Everything before `:value`: prefix, name, and the name-side labels. */
  readonly head: string;
  /** Everything after the value's type: sample rate and DogStatsD tags. */
  readonly tail: string;
}

// Characters that break the line protocol or a flavour's tag syntax are replaced with `_`.
const unsafeName = /[^a-zA-Z0-9_.-]/g; // a name part: `:` (Prometheus allows it) and all else
const unsafeFolded = /[^a-zA-Z0-9_-]/g; // a label value folded into a StatsD name: no dots either
const unsafeDogTag = /[\s,|#:@]/g; // DogStatsD tag values: keep `k:v` split on the first colon unambiguous
const unsafeInfluxTag = /[\s,=:|@#]/g; // InfluxStatsD tag values

/** The metric name as a flavour writes it, `:` and other unsafe characters replaced with `_`. */
export function metricName(name: string): string {
  return name.replace(unsafeName, "_");
}

/** `|@rate`, or nothing for a rate of 1. */
export function sampling(rate: number): string {
  return rate < 1 ? `|@${String(rate)}` : "";
}

/**
 * The head and tail of one series' lines, for a metric named `name` (already prefixed and
 * cleaned) with these label names and values.
 */
export function lineParts(flavour: Flavour, name: string, labels: readonly string[], values: readonly string[]): LineParts {
  switch (flavour) {
    case "statsd": {
      let head = name;
      for (const value of values) head += "." + (value === "" ? "_" : value.replace(unsafeFolded, "_"));
      return { head, tail: "" };
    }
    case "dogstatsd": {
      if (labels.length === 0) return { head: name, tail: "" };
      const tags = labels.map((label, i) => `${label}:${(values[i] ?? "").replace(unsafeDogTag, "_")}`);
      return { head: name, tail: `|#${tags.join(",")}` };
    }
    case "influxstatsd": {
      let head = name;
      labels.forEach((label, i) => {
        const value = values[i] ?? "";
        // Telegraf refuses an empty tag value; a missing tag is how Influx spells it.
        if (value !== "") head += `,${label}=${value.replace(unsafeInfluxTag, "_")}`;
      });
      return { head, tail: "" };
    }
  }
}
