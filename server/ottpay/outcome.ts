/** What every OTT Pay action returns instead of throwing (D11). */
import type { VerificationFailure, VerifiedData } from './codec';
import { classifyResponseCode } from './response-codes';

/**
 * - ok: SUCCESS, and the data verified, names our merchant and parsed.
 * - unknown: the outcome is not known (OTT PROCESSING / TIMEOUT / SYSTEM_ERROR / DB_ERROR, or one of
 *   LocalUnknownCode); keep the order pending and find out later with STATUS_QUERY.
 * - exists: OTT Pay already knows this order id; query that order.
 * - rejected: OTT Pay refused; ourDefect marks PARAM_INVALID / PARAM_ERROR.
 */
export type OttOutcome<T> =
  | { kind: 'ok'; value: T; data: VerifiedData }
  | { kind: 'unknown'; code: string; message: string }
  | { kind: 'exists'; code: 'ORDER_PAID' | 'ORDER_USED'; message: string }
  | { kind: 'rejected'; code: string; message: string; ourDefect: boolean };

/**
 * Codes of 'unknown' outcomes found on our side, next to OTT Pay's own codes:
 * TRANSPORT_TIMEOUT, NETWORK_ERROR, HTTP_<status> (non-2xx), BAD_RESPONSE (not a JSON envelope
 * with a rsp_code), the codec's VerificationFailure reasons (MISSING_FIELD, MALFORMED_MD5,
 * BAD_BASE64, DECRYPT_FAILED, BAD_JSON, NESTED_VALUE, MD5_MISMATCH), FOREIGN_MERCHANT (verified
 * data names another merchant), ORDER_MISMATCH (verified data names another order or currency),
 * BAD_FIELD (a verified field cannot be read), BAD_PAY_INFO (payInfo unusable).
 */
export type LocalUnknownCode =
  | 'TRANSPORT_TIMEOUT'
  | 'NETWORK_ERROR'
  | `HTTP_${number}`
  | 'BAD_RESPONSE'
  | VerificationFailure
  | 'FOREIGN_MERCHANT'
  | 'ORDER_MISMATCH'
  | 'BAD_FIELD'
  | 'BAD_PAY_INFO';

export function unknownOutcome(code: string, message: string): { kind: 'unknown'; code: string; message: string } {
  return { kind: 'unknown', code, message };
}

/** What a reply's rsp_code means (D11): an outcome for anything but SUCCESS, null for SUCCESS. */
export function outcomeOfCode(code: string, message: string): Exclude<OttOutcome<never>, { kind: 'ok' }> | null {
  switch (classifyResponseCode(code)) {
    case 'unknown':
      return unknownOutcome(code, message);
    case 'exists':
      return { kind: 'exists', code: code as 'ORDER_PAID' | 'ORDER_USED', message };
    case 'our_defect':
      return { kind: 'rejected', code, message, ourDefect: true };
    case 'rejected':
      return { kind: 'rejected', code, message, ourDefect: false };
    case 'success':
      return null;
  }
}
