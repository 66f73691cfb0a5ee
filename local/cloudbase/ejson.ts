/**
 * The Extended JSON CloudBase's database API carries: numbers as `{"$numberInt": "1"}`, dates as
 * `{"$date": {"$numberLong": "0"}}`. Decoding turns them into plain values; encoding writes the
 * canonical form the SDKs parse.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class EjsonError extends Error {}

function decodeWrapper(key: string, value: unknown): unknown {
  switch (key) {
    case '$numberInt':
    case '$numberLong':
    case '$numberDouble':
    case '$numberDecimal': {
      const number = Number(value);
      if (typeof value !== 'string' || Number.isNaN(number)) throw new EjsonError(`bad ${key}: ${JSON.stringify(value)}`);
      return number;
    }
    case '$date': {
      const ms = typeof value === 'object' && value !== null ? Number((value as { $numberLong?: unknown }).$numberLong) : typeof value === 'string' ? Date.parse(value) : Number(value);
      if (!Number.isFinite(ms)) throw new EjsonError(`bad $date: ${JSON.stringify(value)}`);
      return new Date(ms);
    }
    case '$oid':
      return String(value);
    default:
      return undefined;
  }
}

/** A parsed EJSON value as plain JavaScript (numbers, Dates, RegExps). */
export function fromEjson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromEjson);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0][0].startsWith('$')) {
    const decoded = decodeWrapper(entries[0][0], entries[0][1]);
    if (decoded !== undefined) return decoded;
  }
  if ('$regularExpression' in value) {
    const { pattern, options } = (value as { $regularExpression: { pattern: string; options?: string } }).$regularExpression;
    return new RegExp(pattern, options ?? '');
  }
  if ('$regex' in value && typeof (value as { $regex: unknown }).$regex === 'string') {
    const { $regex, $options } = value as { $regex: string; $options?: string };
    return { $regex: new RegExp($regex, $options ?? '') };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) out[key] = fromEjson(item);
  return out;
}

/** Parses an EJSON text. */
export function parseEjson(text: string): unknown {
  try {
    return fromEjson(JSON.parse(text));
  } catch (err) {
    if (err instanceof EjsonError) throw err;
    throw new EjsonError(`not JSON: ${(err as Error).message}`);
  }
}

function toEjson(value: unknown): Json {
  if (value instanceof Date) return { $date: { $numberLong: String(value.getTime()) } };
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return Math.abs(value) < 2 ** 31 ? { $numberInt: String(value) } : { $numberLong: String(value) };
    return { $numberDouble: String(value) };
  }
  if (Array.isArray(value)) return value.map(toEjson);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toEjson(item);
    return out;
  }
  return value as Json;
}

/** The canonical EJSON text of a value. */
export function stringifyEjson(value: unknown): string {
  return JSON.stringify(toEjson(value));
}
