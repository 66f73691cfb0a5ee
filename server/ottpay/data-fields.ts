/** Typed reading of fields from verified OTT Pay data (responses and call-backs). */
import type { VerifiedData } from './codec';
import { AmountError, parseMinorUnits } from './amounts';

export class DataFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'DataFieldError';
  }
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** Identifiers and times are kept verbatim; a number (as Gson may send) is rendered as JavaScript renders it. */
export function optionalText(data: VerifiedData, field: string): string | undefined {
  const value = data[field];
  if (isAbsent(value)) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new DataFieldError(field, `${field} is not text`);
}

export function requiredText(data: VerifiedData, field: string): string {
  const value = optionalText(data, field);
  if (value === undefined) throw new DataFieldError(field, `${field} is missing`);
  return value;
}

/** An absent, null or empty optional amount is read as not sent. */
export function optionalMinorUnits(data: VerifiedData, field: string): number | undefined {
  const value = data[field];
  if (isAbsent(value)) return undefined;
  try {
    return parseMinorUnits(value, field);
  } catch (error) {
    if (error instanceof AmountError) throw new DataFieldError(field, error.message);
    throw error;
  }
}

export function requiredMinorUnits(data: VerifiedData, field: string): number {
  try {
    return parseMinorUnits(data[field], field);
  } catch (error) {
    if (error instanceof AmountError) {
      throw new DataFieldError(field, data[field] === undefined ? `${field} is missing` : error.message);
    }
    throw error;
  }
}

/** The entries whose value is defined, so that absent fields stay absent. */
export function withoutUndefined<T extends object>(values: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) kept[key] = value;
  }
  return kept as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}
