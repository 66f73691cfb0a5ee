import { callable } from '../../../server/functions/callable';
import { refund } from '../../../server/payments/refund';

export const main = callable('refund', refund);
