import { httpTriggered } from '../../../server/functions/triggered';
import { handlePaymentCallback } from '../../../server/payments/payment-callback';

export const main = httpTriggered('paymentCallback', handlePaymentCallback);
