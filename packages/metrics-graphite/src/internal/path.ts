// How a series' Graphite path is spelled: prefix, name, then label values folded in or as tags.

const unsafeName = /[^a-zA-Z0-9_.-]/g; // a metric name: `:` (Prometheus allows it) becomes `_`
const unsafeFolded = /[^a-zA-Z0-9_-]/g; // a label value folded into the path: no dots either
const unsafeTag = /[\s;]/g; // a tag value: no whitespace (plaintext) and no `;` (tag separator)

/**
 * The path of one series: `prefix + name`, then either each label value in declared order
 * (`.value`, characters other than `[A-Za-z0-9_-]` replaced with `_`, an empty value as `_`),
 * or, with `tags`, `;label=value` (whitespace and `;` replaced with `_`, a leading `~` too,
 * an empty value left out, since Graphite refuses it).
 */
export function seriesPath(
  base: string,
  labels: readonly string[],
  values: readonly string[],
  tags: boolean,
): string {
  let path = base;
  labels.forEach((label, i) => {
    const value = values[i] ?? "";
    if (!tags) {
      path += "." + (value === "" ? "_" : value.replace(unsafeFolded, "_"));
    } else if (value !== "") {
      path += `;${label}=${value.replace(unsafeTag, "_").replace(/^~/, "_")}`;
    }
  });
  return path;
}

/** The metric name as a path part. */
export function metricName(name: string): string {
  return name.replace(unsafeName, "_");
}

/** Where a suffix goes: before the tags of a tagged path (`name.p99;k=v`), else at the end. */
export function withSuffix(path: string, suffix: string): string {
  const semi = path.indexOf(";");
  return semi === -1 ? path + suffix : path.slice(0, semi) + suffix + path.slice(semi);
}
