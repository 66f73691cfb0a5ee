/** The staff rule of every staff-only function: the caller must be on the staff list now (read at each call, so a removal counts at once). */
import type { Platform } from '../app/platform';
import type { Caller } from '../functions/invocation';
import { FunctionFailure } from '../functions/failure';
import { roleOf, type StaffRole } from './staff-list';

/** The caller's role; FORBIDDEN, with their own user id to give the owner, when they are not staff. */
export async function requireStaff(caller: Caller, platform: Platform): Promise<StaffRole> {
  const role = roleOf(await platform.store.getStaff(), caller.openid);
  if (role === null) throw new FunctionFailure('FORBIDDEN', 'Only the merchant’s staff can do this.', undefined, caller.openid);
  return role;
}
