/**
 * Decision D11: what an Appendix B `rsp_code` tells the caller.
 * - success: go on and read the verified data;
 * - unknown: the outcome is not known; keep the order pending and find out by STATUS_QUERY;
 * - exists: the order id is already known to OTT Pay; query the existing order;
 * - our_defect: OTT Pay refused our parameters (a defect on our side);
 * - rejected: any other code; fail and show the code.
 */
export type ResponseClass = 'success' | 'unknown' | 'exists' | 'our_defect' | 'rejected';

const CLASSES: Readonly<Record<string, ResponseClass>> = {
  SUCCESS: 'success',
  PROCESSING: 'unknown',
  TIMEOUT: 'unknown',
  SYSTEM_ERROR: 'unknown',
  DB_ERROR: 'unknown',
  ORDER_PAID: 'exists',
  ORDER_USED: 'exists',
  PARAM_INVALID: 'our_defect',
  PARAM_ERROR: 'our_defect',
};

export function classifyResponseCode(code: string): ResponseClass {
  return Object.prototype.hasOwnProperty.call(CLASSES, code) ? CLASSES[code] : 'rejected';
}
