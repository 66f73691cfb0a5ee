/**
 * OTT Pay Appendix A: the md5 digest, the AES key derived from it, AES-128-ECB and Base64,
 * and the verification of everything that comes back (decisions D4–D6).
 */
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'crypto';

/** Business data we send: flat, every value a string (D3). */
export type OutgoingData = Readonly<Record<string, string>>;

/** A scalar as it may arrive in decrypted data. */
export type Scalar = string | number | boolean | null;

/** Business data that decrypted and whose md5 matched: flat, scalars only. */
export type VerifiedData = Readonly<Record<string, Scalar>>;

/** The integrity-protected pair of every envelope. */
export interface SealedData {
  md5: string;
  data: string;
}

export type VerificationFailure =
  | 'MISSING_FIELD'
  | 'MALFORMED_MD5'
  | 'BAD_BASE64'
  | 'DECRYPT_FAILED'
  | 'BAD_JSON'
  | 'NESTED_VALUE'
  | 'MD5_MISMATCH';

/** Raised when received data does not verify; the message never contains key material. */
export class VerificationError extends Error {
  constructor(
    readonly reason: VerificationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'VerificationError';
  }
}

const MD5_PATTERN = /^[0-9A-Fa-f]{32}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const AES_BLOCK = 16;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function md5Upper(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

/**
 * The string OTT digests: values concatenated in the UTF-16 order of their keys, as Java's
 * TreeMap sorts them (D4). The default sort of strings compares UTF-16 code units, natively.
 */
export function digestInput(values: Readonly<Record<string, string>>): string {
  const keys = Object.keys(values).sort();
  let joined = '';
  for (const key of keys) joined += values[key];
  return joined;
}

/** Uppercase hex MD5 of the key-sorted values (D4). */
export function digest(values: Readonly<Record<string, string>>): string {
  return md5Upper(digestInput(values));
}

/** The 16 ASCII characters in the middle of MD5(md5 + signKey): the AES-128 key (Appendix A step 4). */
export function deriveAesKey(md5: string, signKey: string): string {
  return md5Upper(md5 + signKey).slice(8, 24);
}

/** Encrypts business data into the `md5` and `data` of a request envelope. */
export function seal(values: OutgoingData, signKey: string): SealedData {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') {
      throw new TypeError(`OTT Pay data field "${key}" must be a string`);
    }
  }
  const md5 = digest(values);
  const cipher = createCipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, signKey), 'ascii'), null);
  const data = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]).toString('base64');
  return { md5, data };
}

/**
 * Base64 as OTT sends it (D6): CR, LF and tabs are dropped; spaces are dropped when the rest
 * then decodes to whole AES blocks, otherwise they are read as '+' (form-encoding damage).
 */
export function decodeCiphertext(text: string): Buffer {
  // The usual case, one clean line: every character decoded (Node skips what is not Base64).
  if (text.length % 4 === 0 && !/[\r\n\t ]/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    if (bytes.length > 0 && bytes.length % AES_BLOCK === 0 && bytes.length === (text.length / 4) * 3 - padding) return bytes;
  }
  const unwrapped = text.replace(/[\r\n\t]/g, '');
  const withoutSpaces = unwrapped.replace(/ /g, '');
  const candidates = unwrapped.includes(' ') ? [withoutSpaces, unwrapped.replace(/ /g, '+')] : [unwrapped];
  for (const candidate of candidates) {
    if (!BASE64_PATTERN.test(candidate)) continue;
    const bytes = Buffer.from(candidate, 'base64');
    if (bytes.length > 0 && bytes.length % AES_BLOCK === 0) return bytes;
  }
  throw new VerificationError('BAD_BASE64', 'data is not Base64 of whole AES blocks');
}

/** How Java's Double.toString renders an integral value (OTT's SDK digests numbers that way). */
export function javaDoubleText(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) return `${value}.0`;
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

function renderedValues(values: VerifiedData, renderNumber: (n: number) => string): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null) continue; // Gson drops nulls from what it digests
    rendered[key] = typeof value === 'number' ? renderNumber(value) : String(value);
  }
  return rendered;
}

/** MD5 of the digest input as raw bytes, compared in constant time with the received hex md5. */
function md5Matches(values: Readonly<Record<string, string>>, received: Buffer): boolean {
  return timingSafeEqual(createHash('md5').update(digestInput(values), 'utf8').digest(), received);
}

/** The decrypted object, flat; `onlyStrings` when every value is a string (nothing to render for the digest). */
function parseFlatObject(plaintext: string): { values: VerifiedData; onlyStrings: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    throw new VerificationError('BAD_JSON', 'decrypted data is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new VerificationError('BAD_JSON', 'decrypted data is not a JSON object');
  }
  let onlyStrings = true;
  for (const key in parsed) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'string') continue;
    if (typeof value === 'object' && value !== null) {
      throw new VerificationError('NESTED_VALUE', `decrypted field "${key}" is nested and cannot be verified`);
    }
    onlyStrings = false;
  }
  return { values: parsed as VerifiedData, onlyStrings };
}

/**
 * Decrypts the `data` of a response or call-back with the key derived from its received `md5`,
 * then recomputes the md5 over the decrypted values and compares in constant time (D5).
 */
export function unseal(sealed: Partial<SealedData>, signKey: string): VerifiedData {
  const { md5, data } = sealed;
  if (typeof md5 !== 'string' || typeof data !== 'string' || data === '') {
    throw new VerificationError('MISSING_FIELD', 'envelope has no md5 or no data');
  }
  if (!MD5_PATTERN.test(md5)) {
    throw new VerificationError('MALFORMED_MD5', 'md5 is not 32 hexadecimal characters');
  }
  const ciphertext = decodeCiphertext(data);
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, signKey), 'ascii'), null);
    const bytes = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    plaintext = UTF8.decode(bytes);
  } catch {
    throw new VerificationError('DECRYPT_FAILED', 'data does not decrypt with the key derived from md5 and the sign key');
  }
  const { values, onlyStrings } = parseFlatObject(plaintext);
  const received = Buffer.from(md5, 'hex');
  if (onlyStrings) {
    if (md5Matches(values as Readonly<Record<string, string>>, received)) return values;
  } else {
    const renderings = [String, javaDoubleText];
    const hasIntegralNumber = Object.values(values).some((v) => typeof v === 'number' && Number.isInteger(v));
    for (const render of hasIntegralNumber ? renderings : renderings.slice(0, 1)) {
      if (md5Matches(renderedValues(values, (n) => (Number.isInteger(n) ? render(n) : String(n))), received)) return values;
    }
  }
  throw new VerificationError('MD5_MISMATCH', 'md5 does not match the decrypted data');
}
