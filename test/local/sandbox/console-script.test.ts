import { JSDOM, VirtualConsole } from 'jsdom';
import { createPayment, newOrderId, openSandbox, request, TestSandbox, waitFor } from './helpers';

// The console page's inline script, run in jsdom against the real sandbox (fetch bridged to Node's).
let t: TestSandbox;

beforeAll(async () => {
  t = await openSandbox();
});

afterAll(async () => {
  await t.stop();
});

interface LoadedConsole {
  window: JSDOM['window'];
  errors: string[];
  /** How often the page asked to reload (jsdom does not navigate). */
  reloads: () => number;
}

async function loadConsole(): Promise<LoadedConsole> {
  const errors: string[] = [];
  let reloads = 0;
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error) => {
    if (/navigation/i.test(error.message)) reloads += 1;
    else errors.push(error.message);
  });
  const html = (await request('GET', `${t.sandbox.url}/`)).text;
  const dom = new JSDOM(html, {
    url: `${t.sandbox.url}/`,
    runScripts: 'dangerously',
    virtualConsole,
    beforeParse(window) {
      (window as unknown as { fetch: typeof fetch }).fetch = (input, init) =>
        fetch(new URL(String(input), `${t.sandbox.url}/`), init);
      window.alert = (message?: unknown) => errors.push(`alert: ${String(message)}`);
    },
  });
  return { window: dom.window, errors, reloads: () => reloads };
}

it('approves a pending payment from its button', async () => {
  const orderId = newOrderId('BT');
  await createPayment(t.sandbox, orderId, 'http://127.0.0.1:9/cb');
  const { window, errors, reloads } = await loadConsole();
  const approve = window.document.querySelector<HTMLButtonElement>(`button[data-action="approve"][data-order="${orderId}"]`)!;
  expect(approve).not.toBeNull();
  approve.click();
  await waitFor('the reload', () => reloads() === 1);
  expect((await t.sandbox.transaction(orderId))!.transaction.state).toBe('success');
  expect(errors).toEqual([]);
  window.close();
});

it('applies and resets the fault switches from the form', async () => {
  const { window, errors, reloads } = await loadConsole();
  const form = window.document.getElementById('faults') as HTMLFormElement;
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  field('delayMs').value = '25';
  field('drop').value = 'all';
  field('mode').value = 'PROCESSING';
  field('actions').value = 'STATUS_QUERY, REFUND';
  field('times').value = '2';
  field('afterProcessing').checked = true;
  field('callbackAck').value = 'any-2xx';
  form.dispatchEvent(new window.Event('submit', { cancelable: true }));
  await waitFor('the reload', () => reloads() === 1);
  expect(t.sandbox.faults.get()).toMatchObject({
    delayMs: 25,
    drop: 'all',
    callbackAck: 'any-2xx',
    numberDigest: 'java',
    response: { mode: 'PROCESSING', actions: ['STATUS_QUERY', 'REFUND'], times: 2, afterProcessing: true, replyAfterMs: null },
  });
  window.document.querySelector<HTMLButtonElement>('button[data-reset-faults]')!.click();
  await waitFor('the reload', () => reloads() === 2);
  expect(t.sandbox.faults.get()).toMatchObject({ response: null, callbackAck: 'success-body' });
  expect(errors).toEqual([]);
  window.close();
});

it('applies the readings from their form, and shows the ones that are not the default', async () => {
  const { window, errors, reloads } = await loadConsole();
  const form = window.document.getElementById('readings') as HTMLFormElement;
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  expect(window.document.getElementById('readings-now')!.textContent).toBe('Every reading is the default.');
  field('refundBooking').value = '3000';
  field('statusCase').value = 'upper';
  field('undocumentedStatus').value = 'USERPAYING';
  field('tip').value = 'in-both';
  field('replyNumbers').value = 'number';
  field('callbackFields').value = 'extra';
  form.dispatchEvent(new window.Event('submit', { cancelable: true }));
  await waitFor('the reload', () => reloads() === 1);
  const readings = { refundBooking: 3000, statusCase: 'upper', undocumentedStatus: 'USERPAYING', tip: 'in-both', replyNumbers: 'number', callbackFields: 'extra' };
  expect(t.sandbox.readings.get()).toEqual(readings);
  window.close();

  const again = await loadConsole();
  expect(again.window.document.getElementById('readings-now')!.textContent).toBe(
    'Not the default: refundBooking=3000 · statusCase=upper · undocumentedStatus=USERPAYING · tip=in-both · replyNumbers=number · callbackFields=extra',
  );
  const form2 = again.window.document.getElementById('readings') as HTMLFormElement;
  (form2.elements.namedItem('refundBooking') as HTMLInputElement).value = 'soon';
  form2.dispatchEvent(new again.window.Event('submit', { cancelable: true }));
  await waitFor('the refusal', () => again.window.document.getElementById('readings-status')!.textContent || undefined);
  expect(again.window.document.getElementById('readings-status')!.textContent).toContain('refundBooking must be');
  expect(t.sandbox.readings.get()).toEqual(readings);
  expect([...errors, ...again.errors]).toEqual([]);
  again.window.close();
});
