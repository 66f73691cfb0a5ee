import { MAX_INPUT_LENGTH, parseAmount } from './money';

export type Key = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '.' | 'del' | 'clear';

/** The digit keys in the order the keypad lays them out (delete sits beside them). */
export const KEYS: readonly Key[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '.', 'del'];

/** Why a key press changed nothing that a person would expect to change. */
export type KeyRefusal = 'OVER_MAX' | 'DECIMALS';

export interface KeyResult {
  input: string;
  /** Set when the key was refused for a reason worth telling the person. */
  refused?: KeyRefusal;
}

export function isKey(value: unknown): value is Key {
  return typeof value === 'string' && (KEYS.includes(value as Key) || value === 'clear');
}

/**
 * The input after a key press. A key that would make it invalid leaves it as it was: a second dot
 * or a leading zero silently, a third decimal or going over the maximum with a reason.
 */
export function pressKey(current: string, key: Key, maxCents: number): KeyResult {
  if (key === 'clear') return { input: '' };
  if (key === 'del') return { input: current.slice(0, -1) };

  let next: string;
  if (key === '.') {
    if (current.includes('.')) return { input: current };
    next = current === '' ? '0.' : `${current}.`;
  } else {
    const dot = current.indexOf('.');
    if (dot >= 0 && current.length - dot > 2) return { input: current, refused: 'DECIMALS' };
    if (current === '0') {
      if (key === '0') return { input: current };
      next = key;
    } else {
      next = current + key;
    }
  }
  if (next.length > MAX_INPUT_LENGTH) return { input: current, refused: 'OVER_MAX' };
  const parsed = parseAmount(next, { maxCents, allowZero: true });
  if (parsed.ok) return { input: next };
  return { input: current, refused: parsed.reason === 'OVER_MAX' || parsed.reason === 'TOO_LONG' ? 'OVER_MAX' : undefined };
}

/** pressKey without the reason. */
export function applyKey(current: string, key: Key, maxCents: number): string {
  return pressKey(current, key, maxCents).input;
}
