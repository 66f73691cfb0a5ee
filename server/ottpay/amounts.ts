/**
 * Strict reading of minor units (cents) that arrive from the network: responses, call-backs.
 *
 * Accepted: a non-negative safe integer JSON number, or a string of ASCII digits only.
 * Leading zeros are accepted and read as decimal ("007" is 7): fixed-width amounts such as
 * "000000000100" are common in acquiring and mean exactly that, and no other reading exists.
 * Everything else (signs, decimal points, exponents, blanks, empty strings, NaN) is refused.
 */
export class AmountError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AmountError';
  }
}

const DIGITS = /^[0-9]+$/;

export function parseMinorUnits(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new AmountError(field, `${field} must be a non-negative whole number of minor units`);
  }
  if (typeof value === 'string') {
    if (!DIGITS.test(value)) {
      throw new AmountError(field, `${field} must be a string of digits (minor units)`);
    }
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) {
      throw new AmountError(field, `${field} is too large`);
    }
    return parsed;
  }
  throw new AmountError(field, `${field} must be a number or a string of digits, not ${value === null ? 'null' : typeof value}`);
}
