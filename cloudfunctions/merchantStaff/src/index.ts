import { NO_OTT } from '../../../server/app/configuration';
import { callable } from '../../../server/functions/callable';
import { merchantStaff } from '../../../server/staff/merchant-staff';

export const main = callable('merchantStaff', merchantStaff, { needs: NO_OTT });
