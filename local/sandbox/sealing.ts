/**
 * Seals replies the way OTT's Java server does: numbers stay JSON numbers, the JSON text is
 * written as Gson writes it (HTML-sensitive characters as \u00XX), and the md5 renders numbers as
 * JavaScript or as Java's Double does. codec.seal only takes strings, hence this helper.
 */
import { createCipheriv } from 'crypto';
import { deriveAesKey, digest, javaDoubleText, SealedData } from '../../server/ottpay/codec';

export type ReplyValue = string | number;
export type ReplyData = Readonly<Record<string, ReplyValue>>;
export type NumberDigest = 'js' | 'java';

/** JSON text as Gson's default writer produces it: `=`, `<`, `>`, `&` and `'` escaped. */
export function gsonJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&=']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderForDigest(values: ReplyData, numberDigest: NumberDigest): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') rendered[key] = value;
    else rendered[key] = numberDigest === 'java' && Number.isInteger(value) ? javaDoubleText(value) : String(value);
  }
  return rendered;
}

export function sealReply(values: ReplyData, signKey: string, numberDigest: NumberDigest): SealedData {
  const md5 = digest(renderForDigest(values, numberDigest));
  const cipher = createCipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, signKey), 'ascii'), null);
  const data = Buffer.concat([cipher.update(gsonJson(values), 'utf8'), cipher.final()]).toString('base64');
  return { md5, data };
}

/** The same ciphertext with one character in its middle changed (still Base64 of whole blocks). */
export function corruptData(data: string): string {
  const index = Math.floor(data.replace(/=+$/, '').length / 2);
  const replacement = data[index] === 'A' ? 'B' : 'A';
  return data.slice(0, index) + replacement + data.slice(index + 1);
}

/** A different, well-formed md5. */
export function corruptMd5(md5: string): string {
  const replacement = md5[0] === '0' ? '1' : '0';
  return replacement + md5.slice(1);
}
