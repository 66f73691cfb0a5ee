/**
 * Validation of cloud function events. A bad event is a business error the caller can read
 * ({ ok: false, code, message }), never an exception, and it changes nothing.
 */
import type { ErrorCode } from '../../typings/payments';
import { FunctionFailure } from './failure';

/** The event as a plain object. wx.cloud adds userInfo to it: ignored, the caller comes from getWXContext(). */
export function eventObject(event: unknown): Record<string, unknown> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new FunctionFailure('INVALID_REQUEST', 'the event must be an object');
  }
  return event as Record<string, unknown>;
}

interface IntegerRule {
  min: number;
  max: number;
  code?: ErrorCode;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the text ${JSON.stringify(value.slice(0, 20))}`;
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : typeof value;
}

export function integerField(event: Record<string, unknown>, name: string, rule: IntegerRule): number {
  const value = event[name];
  const code = rule.code ?? 'INVALID_REQUEST';
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new FunctionFailure(code, `${name} must be a whole number of cents, not ${describe(value)}`);
  }
  if (value < rule.min || value > rule.max) {
    throw new FunctionFailure(code, `${name} must be from ${rule.min} to ${rule.max} cents, not ${value}`);
  }
  return value;
}

export function optionalIntegerField(event: Record<string, unknown>, name: string, rule: IntegerRule & { fallback: number }): number {
  return event[name] === undefined ? rule.fallback : integerField(event, name, rule);
}

export function textField(event: Record<string, unknown>, name: string, pattern: RegExp, shape: string): string {
  const value = event[name];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new FunctionFailure('INVALID_REQUEST', `${name} must be ${shape}`);
  }
  return value;
}

export const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;
export const REQUEST_ID_SHAPE = '8 to 64 characters of A-Z, a-z, 0-9, _ and -';
export const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;
export const ORDER_ID_SHAPE = 'an order number of 1 to 32 letters and digits';
