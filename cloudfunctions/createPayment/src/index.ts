import { callable } from '../../../server/functions/callable';
import { createPayment } from '../../../server/payments/create-payment';

export const main = callable('createPayment', createPayment);
