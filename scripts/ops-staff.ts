/** `ops staff list|add|remove`: the staff list from the command line, where the first owner is added. */
import { NotDone, UsageError } from '../server/app/command-line';
import { FunctionFailure } from '../server/functions/failure';
import type { OrderStore } from '../server/orders/store';
import { changeStaff, staffView } from '../server/staff/merchant-staff';
import { addMember, MAX_STAFF_NAME, removeMember, STAFF_ID, STAFF_ID_SHAPE, type StaffList } from '../server/staff/staff-list';

export const STAFF_USAGE = `  staff list                       who is staff, and the latest changes of the list
  staff add USER_ID [--name NAME] [--owner] --by NAME
                                   add someone (or change their name or role); the first owner is added here, then
                                   owners add and remove staff from the mini-program's merchant page
  staff remove USER_ID --by NAME   remove someone: refused by every staff-only function at once`;

type Store = Pick<OrderStore, 'getStaff' | 'replaceStaff'>;

function printList(list: StaffList, out: (text: string) => void): void {
  const { members, changes } = staffView(list);
  if (members.length === 0) out('nobody is staff yet: add the owner with `staff add USER_ID --owner --by NAME`\n');
  for (const m of members) out(`${m.role.padEnd(5)}  ${m.userId}  ${m.name || '-'}  since ${m.addedAt.slice(0, 16).replace('T', ' ')} UTC\n`);
  if (changes.length > 0) out('latest changes:\n');
  for (const c of changes.slice(0, 10)) out(`  ${c.at.slice(0, 16).replace('T', ' ')} UTC  ${c.action === 'add' ? 'added' : 'removed'} ${c.role} ${c.userId}${c.name ? ` (${c.name})` : ''}  by ${c.byName || c.by}\n`);
}

export async function staffCommand(store: Store, params: string[], values: Record<string, unknown>, out: (text: string) => void): Promise<void> {
  const [sub, userId] = params;
  if (sub === 'list' && params.length === 1) return printList(await store.getStaff(), out);
  if ((sub !== 'add' && sub !== 'remove') || params.length !== 2) throw new UsageError('staff takes list, add USER_ID or remove USER_ID');
  if (!STAFF_ID.test(userId)) throw new UsageError(`USER_ID must be ${STAFF_ID_SHAPE} (the merchant page shows it to someone not yet staff)`);
  const who = typeof values.by === 'string' ? values.by.trim() : '';
  if (who === '') throw new UsageError('say who makes the change: --by NAME (it goes into the list\'s record)');
  const name = typeof values.name === 'string' ? values.name.trim() : '';
  if ([...name].length > MAX_STAFF_NAME) throw new UsageError(`--name takes at most ${MAX_STAFF_NAME} characters`);
  if (sub === 'remove' && (values.name !== undefined || values.owner === true)) throw new UsageError('--name and --owner go with staff add');
  const change = { by: `ops: ${who}`, at: new Date().toISOString() };
  const before = await store.getStaff();
  try {
    const after = await changeStaff(store, (list) =>
      sub === 'add' ? addMember(list, { openid: userId, role: values.owner === true ? 'owner' : 'staff', name }, change) : removeMember(list, userId, change),
      before,
    );
    if (after.version === before.version) out(sub === 'add' ? `${userId} is already on the list as that\n` : `${userId} is not on the list\n`);
    printList(after, out);
  } catch (error) {
    if (error instanceof FunctionFailure) throw new NotDone(error.message);
    throw error;
  }
}
