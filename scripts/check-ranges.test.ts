import { describe, expect, it } from "vitest";
import { caretAccepts, parsePeerRange, rangeFormProblems, strandingProblems } from "./check-ranges.ts";
import type { Manifest } from "./lib/workspace.ts";

const pkg = (name: string, version: string, peers: Record<string, string> = {}, extra: Partial<Manifest> = {}): [string, Manifest] => [
  name,
  { name, version, peerDependencies: peers, ...extra },
];

describe("parsePeerRange", () => {
  it("reads the workspace form, the published form and the form changesets writes", () => {
    expect(parsePeerRange("workspace:>=0.1.0 <1")).toEqual({ lower: [0, 1, 0], upperMajor: 1 });
    expect(parsePeerRange(">=0.3.2 <1")).toEqual({ lower: [0, 3, 2], upperMajor: 1 });
    expect(parsePeerRange("workspace:>=1.0.0 <2.0.0")).toEqual({ lower: [1, 0, 0], upperMajor: 2 });
    expect(parsePeerRange("workspace:^")).toBeUndefined();
    expect(parsePeerRange("^0.1.0")).toBeUndefined();
  });
});

describe("caretAccepts", () => {
  it("follows npm's caret for 0.x and 1.x", () => {
    expect(caretAccepts([0, 1, 0], [0, 1, 5])).toBe(true);
    expect(caretAccepts([0, 1, 0], [0, 2, 0])).toBe(false);
    expect(caretAccepts([1, 2, 0], [1, 9, 0])).toBe(true);
    expect(caretAccepts([1, 2, 0], [2, 0, 0])).toBe(false);
  });
});

describe("rangeFormProblems", () => {
  it("accepts the house form, and the first release's lower bound before anything is released", () => {
    const tree = new Map([pkg("@kit/endpoint", "0.0.0"), pkg("@kit/log", "0.0.0", { "@kit/endpoint": "workspace:>=0.1.0 <1" })]);
    expect(rangeFormProblems(tree)).toEqual([]);
  });

  it("names a caret range, a range past the next major, a range the workspace is outside of, and a plain dependency", () => {
    const tree = new Map([
      pkg("@kit/endpoint", "0.4.0"),
      pkg("@kit/a", "0.1.0", { "@kit/endpoint": "workspace:^" }),
      pkg("@kit/b", "0.1.0", { "@kit/endpoint": "workspace:>=0.1.0 <2" }),
      pkg("@kit/c", "0.1.0", { "@kit/endpoint": "workspace:>=0.5.0 <1" }),
      pkg("@kit/d", "0.1.0", {}, { dependencies: { "@kit/endpoint": "workspace:*" } }),
      pkg("app", "0.0.0", { "@kit/endpoint": "workspace:^" }, { private: true }),
    ]);
    const problems = rangeFormProblems(tree);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^@kit\/a: peer @kit\/endpoint is "workspace:\^"/);
    expect(problems[1]).toMatch(/^@kit\/b: .* must stop at the next major of its lower bound: <1/);
    expect(problems[2]).toMatch(/^@kit\/c: .* does not accept the workspace's @kit\/endpoint 0.4.0/);
    expect(problems[3]).toMatch(/^@kit\/d: @kit\/endpoint is a dependency/);
  });
});

describe("strandingProblems", () => {
  const released = new Map([pkg("@kit/endpoint", "0.2.0"), pkg("@kit/nats", "0.3.0", { "@kit/endpoint": "workspace:>=0.1.0 <1" })]);

  it("refuses a raised lower bound shipped in a patch", () => {
    const next = new Map([pkg("@kit/endpoint", "0.2.0"), pkg("@kit/nats", "0.3.1", { "@kit/endpoint": "workspace:>=0.2.0 <1" })]);
    expect(strandingProblems(released, next)).toEqual([
      expect.stringMatching(/^@kit\/nats 0.3.0 → 0.3.1: its peer @kit\/endpoint moves from >=0.1.0 to >=0.2.0, .*"@kit\/nats": minor/),
    ]);
  });

  it("refuses a raised lower bound with no release of its own yet (the next patch would ship it)", () => {
    const next = new Map([pkg("@kit/endpoint", "0.2.0"), pkg("@kit/nats", "0.3.0", { "@kit/endpoint": "workspace:>=0.2.0 <1" })]);
    expect(strandingProblems(released, next)).toHaveLength(1);
  });

  it("accepts a raised lower bound shipped in a minor, and a range that only widens", () => {
    const minor = new Map([pkg("@kit/endpoint", "0.2.0"), pkg("@kit/nats", "0.4.0", { "@kit/endpoint": "workspace:>=0.2.0 <1" })]);
    expect(strandingProblems(released, minor)).toEqual([]);
    const same = new Map([pkg("@kit/endpoint", "0.3.0"), pkg("@kit/nats", "0.3.1", { "@kit/endpoint": "workspace:>=0.1.0 <1" })]);
    expect(strandingProblems(released, same)).toEqual([]);
  });

  it("asks for a major once the dependent is 1.0 or later", () => {
    const before = new Map([pkg("@kit/endpoint", "1.4.0"), pkg("@kit/nats", "1.2.0", { "@kit/endpoint": "workspace:>=1.0.0 <2" })]);
    const after = new Map([pkg("@kit/endpoint", "2.0.0"), pkg("@kit/nats", "1.2.1", { "@kit/endpoint": "workspace:>=2.0.0 <3.0.0" })]);
    expect(strandingProblems(before, after)).toEqual([expect.stringContaining('"@kit/nats": major')]);
  });

  it("ignores packages never released", () => {
    const before = new Map([pkg("@kit/endpoint", "0.0.0"), pkg("@kit/nats", "0.0.0", { "@kit/endpoint": "workspace:>=0.1.0 <1" })]);
    const after = new Map([pkg("@kit/endpoint", "1.0.0"), pkg("@kit/nats", "0.0.1", { "@kit/endpoint": "workspace:>=1.0.0 <2.0.0" })]);
    expect(strandingProblems(before, after)).toEqual([]);
  });
});
