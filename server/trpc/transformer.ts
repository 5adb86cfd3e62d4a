import superjson from "superjson";

// superjson, with a shortcut for answers that are plain JSON already: no Date, no undefined, no
// number JSON cannot carry, nothing but plain objects and arrays. superjson would send those as
// `{ json: value }` too, after a walk that copies a path for every value it visits (0.2–0.4 ms for
// a 50-row page, the largest part of a list request's own work in the web process: see
// docs/performance.md). Anything else, and every input, goes through superjson itself, so the
// wire format and the browser's side are superjson's.

function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isPlainJson);
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

export const transformer = {
  serialize: (value: unknown) => (isPlainJson(value) ? { json: value } : superjson.serialize(value)),
  deserialize: superjson.deserialize.bind(superjson),
};
