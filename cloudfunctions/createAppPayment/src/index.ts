import { APP_PAYMENTS } from '../../../server/app/configuration';
import { callable } from '../../../server/functions/callable';
import { createAppPayment } from '../../../server/payments/create-app-payment';

export const main = callable('createAppPayment', createAppPayment, { needs: APP_PAYMENTS });
