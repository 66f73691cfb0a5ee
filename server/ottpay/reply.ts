/**
 * Reading OTT Pay's synchronous reply: HTTP status, JSON envelope, rsp_code (D11), then the
 * verified data (D5). Nothing but rsp_code / rsp_msg is read from the plaintext envelope.
 */
import { unseal, VerificationError, type VerifiedData } from './codec';
import type { OttOutcome } from './outcome';
import { outcomeOfCode, unknownOutcome } from './outcome';
import type { HttpReply } from './transport';

const MAX_MESSAGE_LENGTH = 200;

function printable(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_LENGTH ? `${flat.slice(0, MAX_MESSAGE_LENGTH)}…` : flat;
}

export function readReply(reply: HttpReply, signKey: string, merchantId: string): OttOutcome<VerifiedData> {
  if (reply.status < 200 || reply.status > 299) {
    return unknownOutcome(`HTTP_${reply.status}`, `OTT Pay answered HTTP ${reply.status}`);
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(reply.text);
  } catch {
    return unknownOutcome('BAD_RESPONSE', 'OTT Pay reply is not JSON');
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return unknownOutcome('BAD_RESPONSE', 'OTT Pay reply is not a JSON object');
  }
  const fields = envelope as Record<string, unknown>;
  const code = fields.rsp_code;
  if (typeof code !== 'string' || code === '') {
    return unknownOutcome('BAD_RESPONSE', 'OTT Pay reply has no rsp_code');
  }
  const message = typeof fields.rsp_msg === 'string' && fields.rsp_msg.trim() !== '' ? printable(fields.rsp_msg) : code;

  const refused = outcomeOfCode(printable(code), message);
  if (refused) return refused;

  let data: VerifiedData;
  try {
    data = unseal({ md5: fields.md5 as string | undefined, data: fields.data as string | undefined }, signKey);
  } catch (error) {
    if (error instanceof VerificationError) return unknownOutcome(error.reason, `OTT Pay reply does not verify: ${error.message}`);
    throw error;
  }
  const verifiedMerchant = data.merchant_id;
  if (verifiedMerchant !== undefined && verifiedMerchant !== null && verifiedMerchant !== merchantId) {
    return unknownOutcome('FOREIGN_MERCHANT', 'OTT Pay reply names another merchant');
  }
  return { kind: 'ok', value: data, data };
}
