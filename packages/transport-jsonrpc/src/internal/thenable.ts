/** Whether `value` is a promise (or another thenable) to wait for, rather than a value to use now. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return value instanceof Promise || (typeof value === "object" && value !== null && typeof (value as PromiseLike<T>).then === "function");
}
