import { errorMessage, format, getMessages, type Messages } from '../../i18n/index';
import { confirmDialog, toast } from '../../services/dialog';
import { manageStaff } from '../../services/merchant';
import type { MerchantStaffEvent, StaffChangeView, StaffMemberView } from '../../services/types';
import { formatDateTime } from '../../utils/time';

type Status = 'loading' | 'forbidden' | 'error' | 'ready';

interface MemberRow {
  userId: string;
  title: string;
  roleText: string;
  since: string;
  removeAria: string;
}

interface ChangeRow {
  key: string;
  what: string;
  meta: string;
}

/** Same rule as the functions' (server/staff/staff-list.ts): checked here only to say so before a round trip. */
const USER_ID = /^[A-Za-z0-9_-]{6,64}$/;

function memberRows(t: Messages, members: StaffMemberView[]): MemberRow[] {
  return members.map((m) => {
    const name = m.name || t.staff.unnamed;
    return {
      userId: m.userId,
      title: name,
      roleText: m.role === 'owner' ? t.staff.owner : t.staff.member,
      since: format(t.staff.since, { date: formatDateTime(m.addedAt).slice(0, 10) }),
      removeAria: format(t.staff.removeAria, { name }),
    };
  });
}

function changeRows(t: Messages, changes: StaffChangeView[]): ChangeRow[] {
  return changes.map((c, index) => {
    const role = c.role === 'owner' ? t.staff.owner : t.staff.member;
    const name = c.name || c.userId;
    return {
      key: `${c.at}-${index}`,
      what: format(c.action === 'add' ? t.staff.changeAdd : t.staff.changeRemove, { role, name }),
      meta: `${formatDateTime(c.at)} · ${format(t.staff.changeBy, { by: c.byName || c.by })}`,
    };
  });
}

/** The staff list, for owners: who is on it, adding and removing people, and every change with who made it. */
Component({
  data: {
    t: getMessages(),
    status: 'loading' as Status,
    errorText: '',
    members: [] as MemberRow[],
    changes: [] as ChangeRow[],
    form: { userId: '', name: '', owner: false, error: '' },
    busy: false,
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.staff.title });
      this.send({});
    },
  },

  methods: {
    async onPullDownRefresh() {
      try {
        await this.send({});
      } finally {
        wx.stopPullDownRefresh();
      }
    },

    /** Sends a change (or asks for the list) and shows the list as the function returns it; true when it went through. */
    async send(event: MerchantStaffEvent): Promise<boolean> {
      const t = this.data.t;
      this.setData({ busy: true });
      const result = await manageStaff(event);
      this.setData({ busy: false });
      if (result.ok) {
        this.setData({ status: 'ready', errorText: '', members: memberRows(t, result.members), changes: changeRows(t, result.changes) });
        return true;
      }
      if (result.code === 'FORBIDDEN') this.setData({ status: 'forbidden', errorText: errorMessage(t, 'FORBIDDEN') });
      else if (this.data.status !== 'ready') this.setData({ status: 'error', errorText: errorMessage(t, result.code) });
      else toast(result.code === 'BUSY' ? t.staff.busy : errorMessage(t, result.code));
      return false;
    },

    onRetry() {
      this.setData({ status: 'loading' });
      this.send({});
    },

    onUserIdInput(event: WechatMiniprogram.Input) {
      this.setData({ 'form.userId': event.detail.value, 'form.error': '' });
    },

    onNameInput(event: WechatMiniprogram.Input) {
      this.setData({ 'form.name': event.detail.value });
    },

    onOwnerChange(event: WechatMiniprogram.SwitchChange) {
      this.setData({ 'form.owner': event.detail.value });
    },

    async onAdd() {
      const { t, form, busy } = this.data;
      if (busy) return;
      const userId = form.userId.trim();
      if (!USER_ID.test(userId)) {
        this.setData({ 'form.error': t.staff.invalidId });
        return;
      }
      const added = await this.send({ action: 'add', userId, name: form.name.trim(), role: form.owner ? 'owner' : 'staff' });
      if (added) {
        this.setData({ form: { userId: '', name: '', owner: false, error: '' } });
        toast(t.staff.added, 'success');
      }
    },

    async onRemove(event: WechatMiniprogram.BaseEvent<Record<string, never>, { userId: string }>) {
      const { t, busy, members } = this.data;
      const member = members.find((m) => m.userId === event.currentTarget.dataset.userId);
      if (busy || !member) return;
      const answer = await confirmDialog({
        title: format(t.staff.removeTitle, { name: member.title }),
        content: t.staff.removeBody,
        confirmText: t.dialog.remove,
        cancelText: t.dialog.cancel,
        destructive: true,
      });
      if (answer === 'failed') toast(t.common.dialogFailed);
      if (answer !== 'yes') return;
      if (await this.send({ action: 'remove', userId: member.userId })) toast(t.staff.removed, 'success');
    },
  },
});
