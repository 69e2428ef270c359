// InfluxDB line protocol escaping, per the spec: a measurement escapes commas and spaces; tag
// keys, tag values and field keys escape commas, equals signs and spaces. Line protocol has no
// escape for a newline, so line breaks become spaces; nor for a backslash that ends a tag
// value (it would escape the separator after it), so that one becomes `_`.

const measurementSpecial = /[, ]/g;
const keySpecial = /[,= ]/g;
const lineBreak = /\r\n|[\r\n]/g;
const trailingBackslash = /\\$/;

/** A measurement name as line protocol writes it. */
export function escapeMeasurement(name: string): string {
  return name.replace(lineBreak, " ").replace(trailingBackslash, "_").replace(measurementSpecial, "\\$&");
}

/** A tag key, tag value or field key as line protocol writes it. */
export function escapeKey(text: string): string {
  return text.replace(lineBreak, " ").replace(trailingBackslash, "_").replace(keySpecial, "\\$&");
}

/**
 * The head of a series' lines: the measurement, then its tags sorted by key (as InfluxDB
 * prefers), the series' labels taking precedence over `global` tags of the same key, and
 * tags with an empty value left out (InfluxDB refuses them).
 */
export function lineHead(
  measurement: string,
  global: Readonly<Record<string, string>>,
  labels: readonly string[],
  values: readonly string[],
): string {
  const tags = new Map(Object.entries(global));
  labels.forEach((label, i) => tags.set(label, values[i] ?? ""));
  let head = escapeMeasurement(measurement);
  for (const key of [...tags.keys()].sort()) {
    const value = tags.get(key) ?? "";
    if (value !== "") head += `,${escapeKey(key)}=${escapeKey(value)}`;
  }
  return head;
}
