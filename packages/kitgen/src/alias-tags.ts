import ts from "typescript";
import { readTags, type Tags } from "./tags.ts";

/**
 * The narrowing tags of the type aliases a declared type goes through: `quantity: Quantity`
 * with `/** @int32 *\/ type Quantity = number` gives `@int32`. The checker forgets aliases of
 * primitives, so they are read from the type as written, through unions, arrays, `readonly`,
 * parentheses and chains of aliases (the nearer alias wins).
 *
 * @param node - the type as written (a property's or parameter's type annotation)
 * @param checker - the program's checker
 */
export function aliasTags(node: ts.TypeNode | undefined, checker: ts.TypeChecker, depth = 0): Tags {
  if (node === undefined || depth > 16) return {};
  if (ts.isUnionTypeNode(node)) return Object.assign({}, ...node.types.map((t) => aliasTags(t, checker, depth + 1))) as Tags;
  if (ts.isArrayTypeNode(node)) return aliasTags(node.elementType, checker, depth + 1);
  if (ts.isTypeOperatorNode(node) || ts.isParenthesizedTypeNode(node)) return aliasTags(node.type, checker, depth + 1);
  if (!ts.isTypeReferenceNode(node)) return {};
  let symbol = checker.getSymbolAtLocation(node.typeName);
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const decl = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
  if (decl === undefined) {
    const arg = node.typeArguments?.[0];
    return node.typeArguments?.length === 1 && /^(?:Readonly)?Array$/.test(node.typeName.getText()) ? aliasTags(arg, checker, depth + 1) : {};
  }
  return { ...aliasTags(decl.type, checker, depth + 1), ...readTags(decl) };
}
