import { callable } from '../../../server/functions/callable';
import { merchantSummary } from '../../../server/payments/merchant';

export const main = callable('merchantSummary', merchantSummary);
