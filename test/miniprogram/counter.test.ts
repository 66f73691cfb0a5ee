import type { CounterFeedResult, CounterPayment } from '../../typings/payments';
import { CLIPS, spoken } from '../../miniprogram/utils/speech';
import { elapse, exists, installWx, loadPage, openPage, tap, text, useFakeClock, useRealClock } from './helpers';

const counterPage = loadPage('counter');

function payment(orderId: string, totalCents: number, tipCents = 0, paidAt = '2024-05-01T18:00:00.000Z'): CounterPayment {
  return { orderId, amountCents: totalCents - tipCents, tipCents, totalCents, currency: 'CAD', paidAt, channel: 'MINIPROGRAM' };
}

/** The words the counter said, clip by clip, since `from`. */
function said(played: string[], from = 0): string {
  return played
    .slice(from)
    .map((path) => /\/voice\/(zh|en)\/(\w+)\.wav$/.exec(path)!)
    .map(([, language, clip]) => spoken([clip], language as 'zh' | 'en'))
    .join('');
}

/** A counterFeed that answers from a script (more may be pushed later), then the last answer again. */
function scripted(answers: Array<CounterFeedResult | 'reject'>) {
  const events: unknown[] = [];
  let last: CounterFeedResult = { ok: true, payments: [], cursor: '2024-05-01T18:00:00.000Z' };
  const handler = (event: unknown) => {
    events.push(event);
    const next = answers.shift();
    if (next === 'reject') throw new Error('offline');
    if (next) last = next;
    return next ?? { ...last, payments: last.ok ? last.payments : [] };
  };
  return { handler, events, answers };
}

afterEach(() => useRealClock());

describe('counter page', () => {
  test('shows what it finds on opening without a word; a tap turns sound on; a new payment is shown and said, tip included', async () => {
    useFakeClock();
    const old = payment('ORDEROLD0001', 1500, 0, '2024-05-01T17:55:00.000Z');
    const fresh = payment('ORDERNEW2967', 2967, 387, '2024-05-01T18:00:05.000Z');
    const feed = scripted([{ ok: true, payments: [old], cursor: '2024-05-01T18:00:00.000Z' }]);
    const wxMock = installWx({ counterFeed: feed.handler as never });
    const page = await openPage(counterPage);
    expect(wxMock.setKeepScreenOn).toHaveBeenCalledWith({ keepScreenOn: true });
    expect(text(page, '#payment-0')).toContain('CAD 15.00');
    expect(wxMock.played).toEqual([]);

    await tap(page, '#sound');
    expect(said(wxMock.played)).toBe(CLIPS.zh.soundOn);
    const before = wxMock.played.length;
    feed.answers.push({ ok: true, payments: [old, fresh], cursor: '2024-05-01T18:00:06.000Z' });
    await elapse(1000);
    expect(text(page, '#payment-0')).toContain('CAD 29.67');
    expect(text(page, '#payment-0')).toContain('含小费 CAD 3.87');
    expect(text(page, '#payment-0')).toContain('尾号 2967');
    expect(text(page, '#payment-1')).toContain('CAD 15.00');
    expect(said(wxMock.played, before)).toBe('微信收款二十九点六七加元含小费三点八七');
    // the function is told what the counter has within its reach back, so it waits for what is new
    expect(feed.events[1]).toEqual({ after: '2024-05-01T18:00:00.000Z', known: [] });
    expect(feed.events.at(-1)).toEqual({ after: '2024-05-01T18:00:06.000Z', known: ['ORDERNEW2967'] });

    // the same payment again (the function reaches back a minute): nothing new, nothing said
    const now = wxMock.played.length;
    await elapse(3000);
    expect(wxMock.played.length).toBe(now);
    expect(exists(page, '#payment-2')).toBe(false);
  });

  test('after a dropped connection it says it is reconnecting, then what came meanwhile as one sentence, never twice', async () => {
    useFakeClock();
    const a = payment('ORDERA000500', 500, 0, '2024-05-01T18:01:00.000Z');
    const b = payment('ORDERB000600', 600, 0, '2024-05-01T18:02:00.000Z');
    const c = payment('ORDERC000700', 700, 0, '2024-05-01T18:03:00.000Z');
    // the first look succeeds, then the network drops
    const feed = scripted([{ ok: true, payments: [], cursor: '2024-05-01T18:00:30.000Z' }, 'reject', 'reject', { ok: true, payments: [a, b, c], cursor: '2024-05-01T18:04:00.000Z' }]);
    const wxMock = installWx({ counterFeed: feed.handler as never });
    const page = await openPage(counterPage);
    await tap(page, '#sound');
    await elapse(1000);
    expect(text(page, '#status')).toContain('正在重连');
    await elapse(1000);
    await elapse(2000);
    expect(text(page, '#status')).toContain('实时接收中');
    expect(text(page, '#caught-up')).toBe('离线期间到账 3 笔，共 CAD 18.00');
    expect(said(wxMock.played)).toBe(`${CLIPS.zh.soundOn}收款三笔共十八加元`);
    expect(text(page, '#payment-0')).toContain('CAD 7.00');
  });

  test('in English', async () => {
    useFakeClock();
    const feed = scripted([{ ok: true, payments: [], cursor: '2024-05-01T18:00:00.000Z' }]);
    const wxMock = installWx({ counterFeed: feed.handler as never }, 'en');
    const page = await openPage(counterPage);
    expect(text(page, '#empty')).toContain('every payment received shows here and is read out');
    await tap(page, '#sound');
    const before = wxMock.played.length;
    feed.answers.push({ ok: true, payments: [payment('ORDERNEW2967', 2967, 387, '2024-05-01T18:00:05.000Z')], cursor: '2024-05-01T18:00:06.000Z' });
    await elapse(1000);
    expect(said(wxMock.played, before)).toBe('WeChat Pay receivedtwentyninepointsixsevenCanadian dollarsincluding a tip ofthreepointeightseven');
    expect(text(page, '#payment-0')).toContain('incl. CAD 3.87 tip');
  });

  test('someone not on the staff list hears nothing and is told so', async () => {
    installWx({});
    const page = await openPage(counterPage);
    expect(text(page, '#forbidden')).toContain('仅限本店员工使用');
    expect(exists(page, '#payments')).toBe(false);
  });
});
