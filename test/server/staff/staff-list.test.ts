import { addMember, isRefusal, MAX_STAFF, NO_STAFF, removeMember, roleOf, type StaffList } from '../../../server/staff/staff-list';

const AT = { by: 'o-owner-1', at: '2026-12-03T10:00:00.000Z' };

function listed(value: ReturnType<typeof addMember>): StaffList {
  if (value === null || isRefusal(value)) throw new Error(`expected a new list, got ${JSON.stringify(value)}`);
  return value;
}

const withOwner = listed(addMember(NO_STAFF, { openid: 'o-owner-1', role: 'owner', name: 'Lin' }, { by: 'ops: Lin', at: AT.at }));

describe('the staff list', () => {
  it('adds a member with who and when, in the same new version as its record', () => {
    const next = listed(addMember(withOwner, { openid: 'o-cashier-1', role: 'staff', name: 'Ana' }, AT));
    expect(next.version).toBe(withOwner.version + 1);
    expect(roleOf(next, 'o-cashier-1')).toBe('staff');
    expect(next.members[1]).toEqual({ openid: 'o-cashier-1', role: 'staff', name: 'Ana', addedAt: AT.at, addedBy: 'o-owner-1' });
    expect(next.changes.at(-1)).toEqual({ ...AT, action: 'add', openid: 'o-cashier-1', role: 'staff', name: 'Ana' });
  });

  it('changes nothing when the member is already listed so, and records a change of role', () => {
    const once = listed(addMember(withOwner, { openid: 'o-cashier-1', role: 'staff', name: 'Ana' }, AT));
    expect(addMember(once, { openid: 'o-cashier-1', role: 'staff', name: 'Ana' }, AT)).toBeNull();
    const promoted = listed(addMember(once, { openid: 'o-cashier-1', role: 'owner', name: 'Ana' }, { ...AT, at: '2026-12-04T09:00:00.000Z' }));
    expect(roleOf(promoted, 'o-cashier-1')).toBe('owner');
    expect(promoted.members[1].addedAt).toBe(AT.at);
    expect(promoted.changes).toHaveLength(3);
  });

  it('removes a member and records it; someone not listed changes nothing', () => {
    const once = listed(addMember(withOwner, { openid: 'o-cashier-1', role: 'staff', name: 'Ana' }, AT));
    const removed = listed(removeMember(once, 'o-cashier-1', AT));
    expect(roleOf(removed, 'o-cashier-1')).toBeNull();
    expect(removed.changes.at(-1)).toMatchObject({ action: 'remove', openid: 'o-cashier-1', name: 'Ana', by: 'o-owner-1' });
    expect(removeMember(removed, 'o-cashier-1', AT)).toBeNull();
  });

  it('never leaves the shop without an owner', () => {
    expect(removeMember(withOwner, 'o-owner-1', AT)).toEqual({ refused: expect.objectContaining({ code: 'LAST_OWNER' }) });
    expect(addMember(withOwner, { openid: 'o-owner-1', role: 'staff', name: 'Lin' }, AT)).toEqual({ refused: expect.objectContaining({ code: 'LAST_OWNER' }) });
    const two = listed(addMember(withOwner, { openid: 'o-owner-2', role: 'owner', name: '' }, AT));
    expect(roleOf(listed(removeMember(two, 'o-owner-1', AT)), 'o-owner-2')).toBe('owner');
  });

  it(`holds at most ${MAX_STAFF} people`, () => {
    let list = withOwner;
    for (let i = 1; i < MAX_STAFF; i++) list = listed(addMember(list, { openid: `o-cashier-${i}`, role: 'staff', name: '' }, AT));
    expect(addMember(list, { openid: 'o-one-more', role: 'staff', name: '' }, AT)).toEqual({ refused: expect.objectContaining({ code: 'STAFF_LIST_FULL' }) });
    expect(addMember(list, { openid: 'o-cashier-1', role: 'staff', name: 'renamed' }, AT)).not.toBeNull();
  });
});
