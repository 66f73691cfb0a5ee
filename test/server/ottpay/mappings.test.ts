import { classifyResponseCode } from '../../../server/ottpay/response-codes';
import { mapOrderStatus } from '../../../server/ottpay/status';

describe('D10: STATUS_QUERY order_status', () => {
  it.each([
    ['success', 'paid'],
    ['init', 'pending'],
    ['notpay', 'pending'],
    ['canceling', 'pending'],
    ['orderclosed', 'closed'],
    ['failure', 'failed'],
    ['partial_refunded', 'partially_refunded'],
    ['fully_refunded', 'refunded'],
  ])('%s means %s', (status, expected) => {
    expect(mapOrderStatus(status)).toBe(expected);
  });

  it.each([
    ['SUCCESS', 'paid'],
    ['Success', 'paid'],
    ['NOTPAY', 'pending'],
    ['OrderClosed', 'closed'],
    ['FAILURE', 'failed'],
    ['FULLY_REFUNDED', 'refunded'],
  ])('reads %s without regard to case: %s', (status, expected) => {
    expect(mapOrderStatus(status)).toBe(expected);
  });

  it.each([[' success'], ['paid'], ['authfinish'], ['USERPAYING'], ['ORDERCLOSE'], [''], ['toString'], ['__proto__'], [undefined], [null], [1]])(
    'reads %p as unknown: neither paid nor not paid',
    (status) => {
      expect(mapOrderStatus(status)).toBe('unknown');
    },
  );
});

describe('D11: Appendix B rsp_code', () => {
  it.each([
    ['SUCCESS', 'success'],
    ['PROCESSING', 'unknown'],
    ['TIMEOUT', 'unknown'],
    ['SYSTEM_ERROR', 'unknown'],
    ['DB_ERROR', 'unknown'],
    ['ORDER_PAID', 'exists'],
    ['ORDER_USED', 'exists'],
    ['PARAM_INVALID', 'our_defect'],
    ['PARAM_ERROR', 'our_defect'],
    ['FAIL', 'rejected'],
    ['PWD_INCORRECT', 'rejected'],
    ['ORDER_TYPE_ERROR', 'rejected'],
    ['AUTH_CODE_INVALID', 'rejected'],
    ['success', 'rejected'],
    ['constructor', 'rejected'],
  ])('%s is %s', (code, expected) => {
    expect(classifyResponseCode(code)).toBe(expected);
  });
});
