/**
 * Who is staff: one list, kept in the database and changed by its owners (from the merchant page)
 * or from the command line (ops staff). Every change is recorded with who made it, in the same write.
 */
import type { ErrorCode, StaffRole } from '../../typings/payments';

export type { StaffRole } from '../../typings/payments';

export interface StaffMember {
  /** The member's user id: their openid in the mini-program (or CloudBase uid in the merchant's app). */
  openid: string;
  role: StaffRole;
  /** What the owner calls them; may be empty. */
  name: string;
  addedAt: string;
  addedBy: string;
}

export interface StaffChange {
  at: string;
  /** The owner's user id, or "ops: NAME" for a change made from the command line. */
  by: string;
  action: 'add' | 'remove';
  openid: string;
  role: StaffRole;
  name: string;
}

export interface StaffList {
  /** 0 before the first change is written; each write adds one. */
  version: number;
  members: StaffMember[];
  /** Oldest first. */
  changes: StaffChange[];
}

export const NO_STAFF: StaffList = { version: 0, members: [], changes: [] };

export const STAFF_ID = /^[A-Za-z0-9_-]{6,64}$/;
export const STAFF_ID_SHAPE = 'a user id of 6 to 64 letters, digits, _ and -';
export const MAX_STAFF_NAME = 20;
export const MAX_STAFF = 50;

export function roleOf(list: StaffList, openid: string): StaffRole | null {
  return list.members.find((m) => m.openid === openid)?.role ?? null;
}

/** Why a change cannot be made, in words for the person who asked. */
export interface StaffRefusal {
  refused: { code: Extract<ErrorCode, 'LAST_OWNER' | 'STAFF_LIST_FULL'>; message: string };
}

const LAST_OWNER: StaffRefusal = { refused: { code: 'LAST_OWNER', message: 'The shop would have no owner left. Make someone else an owner first.' } };

interface Change {
  by: string;
  at: string;
}

function withChange(list: StaffList, members: StaffMember[], change: StaffChange): StaffList {
  return { version: list.version + 1, members, changes: [...list.changes, change] };
}

/** Adds a member, or changes the role or name of one; null when the list already says so. */
export function addMember(list: StaffList, member: { openid: string; role: StaffRole; name: string }, change: Change): StaffList | StaffRefusal | null {
  const existing = list.members.find((m) => m.openid === member.openid);
  if (existing && existing.role === member.role && existing.name === member.name) return null;
  if (!existing && list.members.length >= MAX_STAFF) return { refused: { code: 'STAFF_LIST_FULL', message: `The staff list holds ${MAX_STAFF} people. Remove someone first.` } };
  if (existing?.role === 'owner' && member.role !== 'owner' && ownerCount(list) === 1) return LAST_OWNER;
  const entry: StaffMember = { ...member, addedAt: existing?.addedAt ?? change.at, addedBy: existing?.addedBy ?? change.by };
  const members = existing ? list.members.map((m) => (m.openid === member.openid ? entry : m)) : [...list.members, entry];
  return withChange(list, members, { at: change.at, by: change.by, action: 'add', ...member });
}

/** Removes a member; null when they are not on the list. The last owner stays. */
export function removeMember(list: StaffList, openid: string, change: Change): StaffList | StaffRefusal | null {
  const existing = list.members.find((m) => m.openid === openid);
  if (!existing) return null;
  if (existing.role === 'owner' && ownerCount(list) === 1) return LAST_OWNER;
  const members = list.members.filter((m) => m.openid !== openid);
  return withChange(list, members, { at: change.at, by: change.by, action: 'remove', openid, role: existing.role, name: existing.name });
}

function ownerCount(list: StaffList): number {
  return list.members.filter((m) => m.role === 'owner').length;
}

export function isRefusal(value: StaffList | StaffRefusal | null): value is StaffRefusal {
  return value !== null && 'refused' in value;
}
