import { MAX_INPUT_LENGTH, parseAmount } from './money';

export type Key = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '.' | 'del' | 'clear';

export const KEYS: readonly Key[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '0', 'del'];

export function isKey(value: unknown): value is Key {
  return typeof value === 'string' && (KEYS.includes(value as Key) || value === 'clear');
}

/**
 * The input after a key press, or the same string when the key would make it invalid
 * (second dot, third decimal, leading zero, longer than allowed, over the maximum).
 */
export function applyKey(current: string, key: Key, maxCents: number): string {
  if (key === 'clear') return '';
  if (key === 'del') return current.slice(0, -1);

  let next: string;
  if (key === '.') {
    if (current.includes('.')) return current;
    next = current === '' ? '0.' : `${current}.`;
  } else {
    const dot = current.indexOf('.');
    if (dot >= 0 && current.length - dot > 2) return current;
    if (current === '0') {
      if (key === '0') return current;
      next = key;
    } else {
      next = current + key;
    }
  }
  if (next.length > MAX_INPUT_LENGTH) return current;
  const parsed = parseAmount(next, { maxCents, allowZero: true });
  return parsed.ok ? next : current;
}
