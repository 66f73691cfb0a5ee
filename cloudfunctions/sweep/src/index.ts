import { timerTriggered } from '../../../server/functions/triggered';
import { sweep } from '../../../server/payments/sweep';

export const main = timerTriggered('sweep', sweep);
