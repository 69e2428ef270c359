// Reads Prometheus' text exposition format back, so tests assert what a scrape would see.

/** One sample line: `name{label="value",…} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples, `# HELP` and `# TYPE` lines of an exposition. */
export interface Exposition {
  readonly samples: readonly Sample[];
  readonly help: ReadonlyMap<string, string>;
  readonly type: ReadonlyMap<string, string>;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;

export function parse(text: string): Exposition {
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment !== null) {
      (comment[1] === "HELP" ? help : type).set(comment[2]!, comment[3]!);
      continue;
    }
    const match = sampleLine.exec(line);
    if (match === null) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    samples.push({ name: match[1]!, labels: parseLabels(match[2] ?? ""), value: parseValue(match[3]!) });
  }
  return { samples, help, type };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  labelPair.lastIndex = 0;
  let consumed = 0;
  for (let m = labelPair.exec(text); m !== null; m = labelPair.exec(text)) {
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    consumed = labelPair.lastIndex;
  }
  if (consumed !== text.length) throw new Error(`bad labels: ${JSON.stringify(text)}`);
  return labels;
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`bad value: ${text}`);
  return value;
}

/**
 * The value of the one sample named `name` whose labels are exactly `labels`; `undefined` if
 * there is none, and an error if there are several.
 */
export function valueOf(exposition: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const found = exposition.samples.filter((s) => s.name === name && sameLabels(s.labels, labels));
  if (found.length > 1) throw new Error(`${String(found.length)} samples ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
