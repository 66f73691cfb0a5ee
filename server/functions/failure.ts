import type { ErrorCode, FunctionError, RefundView } from '../../typings/payments';

/** A business error: returned to the caller as { ok: false, code, message }, never thrown past the function. */
export class FunctionFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly orderId?: string,
    readonly userId?: string,
    readonly openRefund?: RefundView,
  ) {
    super(message);
    this.name = 'FunctionFailure';
  }

  toResult(): FunctionError {
    const result: FunctionError = { ok: false, code: this.code, message: this.message };
    if (this.orderId !== undefined) result.orderId = this.orderId;
    if (this.userId !== undefined) result.userId = this.userId;
    if (this.openRefund !== undefined) result.openRefund = this.openRefund;
    return result;
  }
}
