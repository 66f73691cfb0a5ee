import { sweepTriggered } from '../../../server/functions/triggered';

export const main = sweepTriggered('sweep');
