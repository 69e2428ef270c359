/** `getItem` → `get-item`, `HTTPServer` → `http-server`. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/[_\s]+/g, "-")
    .toLowerCase();
}

/** `getItem` → `GetItem`. */
export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** `GetItem` → `getItem`. */
export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The service's base name: `InventoryService` → `Inventory`. */
export function baseName(service: string): string {
  const base = service.replace(/Service$/, "");
  return base === "" ? service : base;
}
