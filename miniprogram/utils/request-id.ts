const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_LENGTH = 16;

/**
 * An idempotency key for one payment or refund attempt: "mp" + time in base 36 + 16 random
 * characters, 8–64 characters of [A-Za-z0-9_-]. Unique, not confidential.
 */
export function newRequestId(random: () => number = Math.random, now: number = Date.now()): string {
  let suffix = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    suffix += ALPHABET[Math.floor(random() * ALPHABET.length) % ALPHABET.length];
  }
  return `mp${now.toString(36)}_${suffix}`;
}

export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(value);
}
