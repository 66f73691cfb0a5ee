import { callable } from '../../../server/functions/callable';
import { exchangeRate } from '../../../server/payments/exchange-rate';

export const main = callable('exchangeRate', exchangeRate, { sweepStep: true });
