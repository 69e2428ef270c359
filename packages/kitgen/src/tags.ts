import ts from "typescript";

/** The narrowing tags kitgen reads from JSDoc, as written. */
export interface Tags {
  readonly int32?: true;
  readonly int64?: true;
  readonly min?: number;
  readonly max?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/** The tags that narrow a `number`. */
export const numberTags = ["int32", "int64", "min", "max"] as const;
/** The tags that narrow a `string`. */
export const stringTags = ["minLength", "maxLength", "pattern"] as const;

/** A tag kitgen cannot read, with the reason. */
export class TagError extends Error {}

/** The JSDoc tag's text, trimmed. */
export function tagText(tag: ts.JSDocTag): string {
  // Backticks are allowed around a value, so TSDoc linters accept `{sku}` and `\d{3}`.
  return (ts.getTextOfJSDocComment(tag.comment) ?? "").replaceAll("`", "").trim();
}

/**
 * Reads the narrowing tags on a declaration (property, parameter, type alias), merged over
 * `inherited` (the tags of the alias the type came from). Throws {@link TagError} for a
 * malformed value.
 */
export function readTags(node: ts.Node | undefined, inherited: Tags = {}): Tags {
  if (node === undefined) return inherited;
  const out: Record<string, unknown> = { ...inherited };
  for (const tag of ts.getJSDocTags(node)) {
    const name = tag.tagName.text;
    const text = tagText(tag);
    if (name === "int32" || name === "int64") out[name] = true;
    else if (name === "min" || name === "max") out[name] = numberOf(name, text, false);
    else if (name === "minLength" || name === "maxLength") out[name] = numberOf(name, text, true);
    else if (name === "pattern") out.pattern = patternOf(text);
  }
  if (out.int32 === true && out.int64 === true) throw new TagError("@int32 and @int64 together");
  return out;
}

function numberOf(name: string, text: string, count: boolean): number {
  const value = Number(text);
  if (text === "" || !Number.isFinite(value) || (count && (!Number.isInteger(value) || value < 0))) {
    throw new TagError(`@${name} needs ${count ? "a count" : "a number"}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function patternOf(text: string): string {
  const source = text.startsWith("/") && text.lastIndexOf("/") > 0 ? text.slice(1, text.lastIndexOf("/")) : text;
  try {
    new RegExp(source, "u");
  } catch {
    throw new TagError(`@pattern needs a regular expression, got ${JSON.stringify(text)}`);
  }
  return source;
}

/** Whether a declaration opts in to being recursive with `@recursive`. */
export function isRecursiveOptIn(node: ts.Node | undefined): boolean {
  return node !== undefined && ts.getJSDocTags(node).some((tag) => tag.tagName.text === "recursive");
}
