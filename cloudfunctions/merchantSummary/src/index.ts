import { NO_OTT } from '../../../server/app/configuration';
import { callable } from '../../../server/functions/callable';
import { merchantSummary } from '../../../server/payments/merchant-summary';

export const main = callable('merchantSummary', merchantSummary, { needs: NO_OTT });
