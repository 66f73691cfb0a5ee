import type { ErrorCode, FunctionError } from '../../typings/payments';

/** A business error: returned to the caller as { ok: false, code, message }, never thrown past the function. */
export class FunctionFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly orderId?: string,
  ) {
    super(message);
    this.name = 'FunctionFailure';
  }

  toResult(): FunctionError {
    return this.orderId === undefined
      ? { ok: false, code: this.code, message: this.message }
      : { ok: false, code: this.code, message: this.message, orderId: this.orderId };
  }
}
