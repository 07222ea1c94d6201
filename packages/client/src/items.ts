/**
 * An item is the server's JSON object itself (every field it returned, enumerable) plus navigation
 * members that are non-enumerable, so spreading, `toJSON()`, `String(item)` and `JSON.stringify`
 * give exactly the server's data, without parent back-references.
 */
export type Item<D extends object, X extends object> = D & X & { toJSON(): D; toString(): string };

type Lazy<X> = { [K in keyof X]: () => X[K] };

export function attach<D extends object, X extends object>(data: D, extras: Lazy<X>): Item<D, X> {
  const item = { ...data } as Item<D, X>;
  for (const [key, get] of Object.entries<() => unknown>(extras)) {
    Object.defineProperty(item, key, { get, enumerable: false, configurable: true });
  }
  Object.defineProperty(item, 'toJSON', { value: () => ({ ...item }), enumerable: false, configurable: true });
  Object.defineProperty(item, 'toString', { value: () => JSON.stringify(item), enumerable: false, configurable: true });
  return item;
}
