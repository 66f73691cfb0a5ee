/**
 * merchantStaff (owners only): the staff list, and adding or removing a member from the merchant
 * page. Each change and its record (who, when) are one compare-and-set write of the list.
 */
import type { MerchantStaffResult, StaffChangeView, StaffMemberView } from '../../typings/payments';
import type { Platform } from '../app/platform';
import type { OrderStore } from '../orders/store';
import type { Caller } from '../functions/invocation';
import { textField } from '../functions/event-fields';
import { FunctionFailure } from '../functions/failure';
import { addMember, isRefusal, MAX_STAFF_NAME, removeMember, roleOf, STAFF_ID, STAFF_ID_SHAPE, type StaffList, type StaffRefusal, type StaffRole } from './staff-list';

/** Changes shown on the page, newest first. */
const SHOWN_CHANGES = 30;
const ATTEMPTS = 3;

export type StaffEdit = (list: StaffList) => StaffList | StaffRefusal | null;

/**
 * Applies `edit` to the list as stored now (`read`, when the caller has just read it), retrying
 * when another change landed first; the list as it stands after. Used by the function and by `ops staff`.
 */
export async function changeStaff(store: Pick<OrderStore, 'getStaff' | 'replaceStaff'>, edit: StaffEdit, read?: StaffList): Promise<StaffList> {
  let known = read;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = known ?? (await store.getStaff());
    known = undefined;
    const next = edit(current);
    if (next === null) return current;
    if (isRefusal(next)) throw new FunctionFailure(next.refused.code, next.refused.message);
    if (await store.replaceStaff(next, current.version)) return next;
  }
  throw new FunctionFailure('BUSY', 'The staff list is being changed by someone else. Try again in a moment.');
}

function staffName(event: Record<string, unknown>): string {
  if (event.name === undefined) return '';
  if (typeof event.name !== 'string') throw new FunctionFailure('INVALID_REQUEST', 'name must be text');
  const name = event.name.trim().replace(/\s+/g, ' ');
  if ([...name].length > MAX_STAFF_NAME) throw new FunctionFailure('INVALID_REQUEST', `name must be at most ${MAX_STAFF_NAME} characters`);
  return name;
}

function staffRole(event: Record<string, unknown>): StaffRole {
  if (event.role === undefined || event.role === 'staff') return 'staff';
  if (event.role === 'owner') return 'owner';
  throw new FunctionFailure('INVALID_REQUEST', 'role must be "staff" or "owner"');
}

export function staffView(list: StaffList): { members: StaffMemberView[]; changes: StaffChangeView[] } {
  const nameOf = (openid: string) => list.members.find((m) => m.openid === openid)?.name ?? '';
  const members = [...list.members]
    .sort((a, b) => (a.role === b.role ? a.addedAt.localeCompare(b.addedAt) : a.role === 'owner' ? -1 : 1))
    .map((m) => ({ userId: m.openid, role: m.role, name: m.name, addedAt: m.addedAt }));
  const changes = list.changes
    .slice(-SHOWN_CHANGES)
    .reverse()
    .map((c) => ({ at: c.at, action: c.action, userId: c.openid, role: c.role, name: c.name, by: c.by, byName: nameOf(c.by) }));
  return { members, changes };
}

/** The first owner of an empty list (the local stack's staff user; a test's); nothing when anyone is on it. */
export function firstOwner(store: Pick<OrderStore, 'getStaff' | 'replaceStaff'>, openid: string, by: string, at: string): Promise<StaffList> {
  return changeStaff(store, (list) => (list.members.length > 0 ? null : addMember(list, { openid, role: 'owner', name: '' }, { by, at })));
}

function requireOwner(list: StaffList, caller: Caller): void {
  if (roleOf(list, caller.openid) !== 'owner') throw new FunctionFailure('FORBIDDEN', 'Only the shop’s owner can manage staff.', undefined, caller.openid);
}

export async function merchantStaff(event: Record<string, unknown>, caller: Caller, platform: Platform): Promise<MerchantStaffResult> {
  const action = event.action ?? 'list';
  if (action !== 'list' && action !== 'add' && action !== 'remove') throw new FunctionFailure('INVALID_REQUEST', 'action must be "list", "add" or "remove"');
  const current = await platform.store.getStaff();
  requireOwner(current, caller);
  if (action === 'list') return { ok: true, ...staffView(current) };

  const userId = textField(event, 'userId', STAFF_ID, STAFF_ID_SHAPE);
  const change = { by: caller.openid, at: platform.now().toISOString() };
  const member = action === 'add' ? { openid: userId, role: staffRole(event), name: staffName(event) } : null;
  const after = await changeStaff(
    platform.store,
    (list) => {
      // the caller must still be an owner of the list the change is written over
      requireOwner(list, caller);
      return member ? addMember(list, member, change) : removeMember(list, userId, change);
    },
    current,
  );
  platform.log.info('staff.changed', { action, userId, role: member?.role ?? null, by: caller.openid });
  return { ok: true, ...staffView(after) };
}
