import { callable } from '../../../server/functions/callable';
import { collectByQr } from '../../../server/payments/merchant';

export const main = callable('collectByQr', collectByQr);
