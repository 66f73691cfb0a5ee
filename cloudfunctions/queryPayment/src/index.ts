import { callable } from '../../../server/functions/callable';
import { queryPayment } from '../../../server/payments/query-payment';

export const main = callable('queryPayment', queryPayment, { sweepStep: true });
