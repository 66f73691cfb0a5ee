import { NO_OTT } from '../../../server/app/configuration';
import { callable } from '../../../server/functions/callable';
import { listPayments } from '../../../server/payments/query-payment';

export const main = callable('listPayments', listPayments, { needs: NO_OTT });
