import { format, getMessages } from '../../i18n/index';
import { KEYS, type Key } from '../../utils/keypad';

interface KeyView {
  id: string;
  key: Key;
  text: string;
  aria: string;
  wide: boolean;
}

function digitViews(): KeyView[] {
  const t = getMessages().keypad;
  return KEYS.filter((key) => key !== 'del').map((key) =>
    key === '.' ? { id: 'dot', key, text: '.', aria: t.dot, wide: false } : { id: key, key, text: key, aria: format(t.digit, { digit: key }), wide: key === '0' },
  );
}

/**
 * An on-screen number pad laid out like WeChat Pay's own: digits, delete, and the page's action
 * (Pay, Refund…) as one tall key beside them, so the action is always under the typing thumb.
 * Emits `key` with `{ key }` and `action`; validation belongs to the page.
 */
Component({
  properties: {
    /** The digit keys do nothing (a request is on its way). */
    disabled: { type: Boolean, value: false },
    action: { type: String, value: '' },
    /** A second line on the action key, e.g. the amount. */
    actionSub: { type: String, value: '' },
    actionAria: { type: String, value: '' },
    actionDisabled: { type: Boolean, value: false },
    actionBusy: { type: Boolean, value: false },
    /** What the action key says while busy ("Paying"); a neutral word when not given. */
    busyLabel: { type: String, value: '' },
    /** 'warn' for an action that gives money back. */
    actionTone: { type: String, value: 'primary' },
  },
  data: {
    keys: [] as KeyView[],
    label: '',
    delAria: '',
    busyText: '',
  },
  lifetimes: {
    attached() {
      const t = getMessages().keypad;
      this.setData({ keys: digitViews(), label: t.label, delAria: t.del, busyText: t.busy });
    },
  },
  methods: {
    onTap(event: WechatMiniprogram.TouchEvent) {
      if (this.data.disabled) return;
      this.triggerEvent('key', { key: event.currentTarget.dataset.key as Key });
    },
    onLongPress(event: WechatMiniprogram.TouchEvent) {
      if (this.data.disabled) return;
      if (event.currentTarget.dataset.key === 'del') this.triggerEvent('key', { key: 'clear' });
    },
    onAction() {
      if (this.data.actionDisabled || this.data.actionBusy) return;
      this.triggerEvent('action', {});
    },
  },
});
