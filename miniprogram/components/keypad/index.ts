import { format, getMessages } from '../../i18n/index';
import { KEYS, type Key } from '../../utils/keypad';

interface KeyView {
  id: string;
  key: Key;
  text: string;
  aria: string;
}

function keyViews(): KeyView[] {
  const t = getMessages().keypad;
  return KEYS.map((key) => {
    if (key === '.') return { id: 'dot', key, text: '.', aria: t.dot };
    if (key === 'del') return { id: 'del', key, text: '⌫', aria: t.del };
    return { id: key, key, text: key, aria: format(t.digit, { digit: key }) };
  });
}

/** An on-screen number pad; emits `key` with `{ key }`. Validation belongs to the page. */
Component({
  properties: {
    disabled: { type: Boolean, value: false },
  },
  data: {
    keys: [] as KeyView[],
    label: '',
  },
  lifetimes: {
    attached() {
      this.setData({ keys: keyViews(), label: getMessages().keypad.label });
    },
  },
  methods: {
    onTap(event: WechatMiniprogram.TouchEvent) {
      if (this.data.disabled) return;
      const key = event.currentTarget.dataset.key as Key;
      this.triggerEvent('key', { key });
    },
    onLongPress(event: WechatMiniprogram.TouchEvent) {
      if (this.data.disabled) return;
      if (event.currentTarget.dataset.key === 'del') this.triggerEvent('key', { key: 'clear' });
    },
  },
});
