import { callable } from '../../../server/functions/callable';
import { collectByQr } from '../../../server/payments/collect-by-qr';

export const main = callable('collectByQr', collectByQr);
