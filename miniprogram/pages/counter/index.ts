import { config } from '../../config';
import { currentLanguage, errorMessage, format, getMessages, type Messages } from '../../i18n/index';
import { keepScreenOn } from '../../services/device';
import { fetchCounterFeed } from '../../services/merchant';
import type { CounterPayment } from '../../services/types';
import { createAnnouncer, type Announcer } from '../../services/voice';
import { announcementsFor, knownIds, mergeFeed, NEW_COUNTER, type Announcement, type CounterState } from '../../utils/counter-feed';
import { perInstance } from '../../utils/instance-state';
import { formatMoney } from '../../utils/money';
import { paymentClips, summaryClips } from '../../utils/speech';
import { formatDateTime } from '../../utils/time';

type Status = 'connecting' | 'live' | 'reconnecting' | 'forbidden';

interface Row {
  orderId: string;
  amountText: string;
  tipText: string;
  timeText: string;
  tailText: string;
}

interface Loop {
  /** Bumped to stop the running loop (page hidden or closed). */
  generation: number;
  feed: CounterState;
  announcer: Announcer | null;
}

const loopOf = perInstance<Loop>(() => ({ generation: 0, feed: NEW_COUNTER, announcer: null }));

/** An answer sooner than this with nothing new is followed by a pause: a function that did not wait is not asked in a tight loop. */
const MIN_ROUND_MS = 1_000;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000] as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function rowOf(t: Messages, p: CounterPayment): Row {
  return {
    orderId: p.orderId,
    amountText: formatMoney(p.totalCents, config.currency),
    tipText: p.tipCents > 0 ? format(t.counter.tip, { tip: formatMoney(p.tipCents, config.currency) }) : '',
    timeText: formatDateTime(p.paidAt).slice(11),
    tailText: format(t.counter.tail, { tail: p.orderId.slice(-4) }),
  };
}

/** The counter: each payment the product verified, the moment it is, shown and said aloud; for staff, for a whole shift. */
Component({
  data: {
    t: getMessages(),
    status: 'connecting' as Status,
    errorText: '',
    soundOn: false,
    rows: [] as Row[],
    /** What came while the counter was away, said once. */
    caughtUp: '',
  },

  lifetimes: {
    attached() {
      const t = getMessages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.counter.title });
      loopOf(this).announcer = createAnnouncer(currentLanguage());
      keepScreenOn(true);
      this.start(false);
    },
    detached() {
      const loop = loopOf(this);
      loop.generation++;
      loop.announcer?.close();
      keepScreenOn(false);
    },
  },

  methods: {
    /** Back from the background (a locked phone): what came meanwhile is said as one sentence. */
    onShow() {
      const loop = loopOf(this);
      if (loop.feed.cursor !== null && this.data.status !== 'forbidden') {
        keepScreenOn(true);
        this.start(true);
      }
    },

    onHide() {
      loopOf(this).generation++;
    },

    start(afterGap: boolean) {
      const loop = loopOf(this);
      loop.generation++;
      this.run(loop.generation, afterGap);
    },

    async run(generation: number, gap: boolean) {
      const loop = loopOf(this);
      let afterGap = gap;
      let failures = 0;
      while (loop.generation === generation) {
        const started = Date.now();
        const firstLook = loop.feed.cursor === null;
        const result = await fetchCounterFeed(firstLook ? {} : { after: loop.feed.cursor!, known: knownIds(loop.feed) });
        if (loop.generation !== generation) return;
        if (!result.ok) {
          if (result.code === 'FORBIDDEN') {
            this.setData({ status: 'forbidden', errorText: errorMessage(this.data.t, 'FORBIDDEN') });
            return;
          }
          afterGap = true;
          this.setData({ status: 'reconnecting' });
          await sleep(RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
          continue;
        }
        failures = 0;
        const { state, fresh } = mergeFeed(loop.feed, result.payments, result.cursor);
        loop.feed = state;
        this.show(announcementsFor(fresh, { firstLook, afterGap }));
        afterGap = false;
        if (fresh.length === 0 && Date.now() - started < MIN_ROUND_MS) await sleep(MIN_ROUND_MS);
      }
    },

    show(announcements: Announcement[]) {
      const { t } = this.data;
      const loop = loopOf(this);
      const language = currentLanguage();
      const summary = announcements.find((a) => a.kind === 'summary');
      this.setData({
        status: 'live',
        rows: loop.feed.rows.map((p) => rowOf(t, p)),
        ...(summary && summary.kind === 'summary' ? { caughtUp: format(t.counter.caughtUp, { count: summary.count, amount: formatMoney(summary.totalCents, config.currency) }) } : {}),
      });
      for (const a of announcements) {
        loop.announcer?.say(a.kind === 'payment' ? paymentClips(a.payment.totalCents, a.payment.tipCents, language) : summaryClips(a.count, a.totalCents, language));
      }
    },

    /** WeChat plays sound only after a tap: this is it. */
    onSoundToggle() {
      const announcer = loopOf(this).announcer;
      if (!announcer) return;
      if (announcer.enabled) announcer.disable();
      else announcer.enable();
      this.setData({ soundOn: announcer.enabled });
    },
  },
});
