import type { MerchantStaffResult, StaffChangeView, StaffMemberView } from '../../typings/payments';
import { attr, calls, exists, flush, installWx, loadPage, openPage, tap, text } from './helpers';

const staffPage = loadPage('staff');

const OWNER: StaffMemberView = { userId: 'o-owner-0001', role: 'owner', name: '林老板', addedAt: '2026-11-01T18:00:00.000Z' };
const CASHIER: StaffMemberView = { userId: 'o-cashier-0001', role: 'staff', name: '小王', addedAt: '2026-11-20T18:00:00.000Z' };
const added: StaffChangeView = { at: '2026-11-20T18:00:00.000Z', action: 'add', userId: CASHIER.userId, role: 'staff', name: '小王', by: OWNER.userId, byName: '林老板' };
const first: StaffChangeView = { at: '2026-11-01T18:00:00.000Z', action: 'add', userId: OWNER.userId, role: 'owner', name: '林老板', by: 'ops: Lin', byName: '' };

type Page = Awaited<ReturnType<typeof openPage>>;
type Methods = { onUserIdInput(e: { detail: { value: string } }): void; onNameInput(e: { detail: { value: string } }): void; onOwnerChange(e: { detail: { value: boolean } }): void };
const methods = (page: Page) => page.instance as unknown as Methods;

/** A merchantStaff that keeps its list like the function: add and remove change it. */
function staffFunction(members: StaffMemberView[], changes: StaffChangeView[]) {
  return (event: Record<string, unknown>): MerchantStaffResult => {
    if (event.action === 'add') {
      members = [...members.filter((m) => m.userId !== event.userId), { userId: String(event.userId), role: event.role === 'owner' ? 'owner' : 'staff', name: String(event.name ?? ''), addedAt: '2026-12-03T10:00:00.000Z' }];
      changes = [{ at: '2026-12-03T10:00:00.000Z', action: 'add', userId: String(event.userId), role: event.role === 'owner' ? 'owner' : 'staff', name: String(event.name ?? ''), by: OWNER.userId, byName: '林老板' }, ...changes];
    }
    if (event.action === 'remove') {
      const gone = members.find((m) => m.userId === event.userId)!;
      members = members.filter((m) => m.userId !== event.userId);
      changes = [{ at: '2026-12-03T10:05:00.000Z', action: 'remove', userId: gone.userId, role: gone.role, name: gone.name, by: OWNER.userId, byName: '林老板' }, ...changes];
    }
    return { ok: true, members, changes };
  };
}

describe('staff page', () => {
  test('lists who is staff with their role and id, and every change with who made it', async () => {
    installWx({ merchantStaff: staffFunction([OWNER, CASHIER], [added, first]) });
    const page = await openPage(staffPage);
    expect(text(page, '#member-0')).toContain('林老板店主o-owner-0001');
    expect(text(page, '#member-1')).toContain('小王店员o-cashier-0001');
    expect(text(page, '#change-0')).toContain('添加店员 小王');
    expect(text(page, '#change-0')).toContain('操作人：林老板');
    expect(text(page, '#change-1')).toContain('操作人：ops: Lin');
  });

  test('the owner adds someone by their user id; a malformed id is caught before any call', async () => {
    const wxMock = installWx({ merchantStaff: staffFunction([OWNER], [first]) });
    const page = await openPage(staffPage);
    methods(page).onUserIdInput({ detail: { value: 'o-new' } });
    await tap(page, '#add-button');
    expect(text(page, '#add-error')).toBe('用户 ID 为 6–64 位字母、数字、_ 或 -，请核对。');
    expect(calls(wxMock, 'merchantStaff')).toEqual([{}]);

    methods(page).onUserIdInput({ detail: { value: '  o-new-cashier-0002 ' } });
    methods(page).onNameInput({ detail: { value: '阿珍' } });
    methods(page).onOwnerChange({ detail: { value: true } });
    await flush();
    await tap(page, '#add-button');
    expect(calls(wxMock, 'merchantStaff').at(-1)).toEqual({ action: 'add', userId: 'o-new-cashier-0002', name: '阿珍', role: 'owner' });
    expect(text(page, '#member-1')).toContain('阿珍店主o-new-cashier-0002');
    expect(attr(page, '#user-id-input', 'value')).toBe('');
    expect(wxMock.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已添加' }));
  });

  test('removing someone is confirmed first; No changes nothing', async () => {
    const wxMock = installWx({ merchantStaff: staffFunction([OWNER, CASHIER], [added, first]) });
    const page = await openPage(staffPage);
    await tap(page, '#remove-1');
    expect(wxMock.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '移除 小王？', confirmText: '移除', cancelText: '取消' }));
    expect(calls(wxMock, 'merchantStaff')).toEqual([{}]);

    wxMock.showModal.mockImplementationOnce((options: { success?: (r: unknown) => void }) => options.success?.({ confirm: true, cancel: false }));
    await tap(page, '#remove-1');
    expect(calls(wxMock, 'merchantStaff').at(-1)).toEqual({ action: 'remove', userId: CASHIER.userId });
    expect(exists(page, '#member-1')).toBe(false);
    expect(text(page, '#change-0')).toContain('移除店员 小王');
  });

  test('the last owner is kept, and the page says why', async () => {
    const wxMock = installWx({
      merchantStaff: (event) => (event.action === 'remove' ? { ok: false, code: 'LAST_OWNER', message: '' } : { ok: true, members: [OWNER], changes: [first] }),
    });
    const page = await openPage(staffPage);
    wxMock.showModal.mockImplementationOnce((options: { success?: (r: unknown) => void }) => options.success?.({ confirm: true, cancel: false }));
    await tap(page, '#remove-0');
    expect(wxMock.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '店里至少要有一位店主。请先把另一位员工设为店主。' }));
    expect(exists(page, '#member-0')).toBe(true);
  });

  test('someone who is not an owner sees that it is not for them, and no list', async () => {
    installWx({});
    const page = await openPage(staffPage);
    expect(text(page, '#error')).toContain('仅限本店员工使用');
    expect(exists(page, '#members')).toBe(false);
  });

  test('in English, the remove button of the dialog is within WeChat’s limit', async () => {
    const wxMock = installWx({ merchantStaff: staffFunction([OWNER, CASHIER], [added, first]) }, 'en');
    const page = await openPage(staffPage);
    expect(text(page, '#member-0')).toContain('林老板Owner');
    await tap(page, '#remove-1');
    expect(wxMock.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: 'Remove 小王?', confirmText: 'Yes', cancelText: 'No' }));
  });
});
