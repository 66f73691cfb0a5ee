import { NO_OTT } from '../../../server/app/configuration';
import { callable } from '../../../server/functions/callable';
import { counterFeed } from '../../../server/payments/counter-feed';

export const main = callable('counterFeed', counterFeed, { needs: NO_OTT });
