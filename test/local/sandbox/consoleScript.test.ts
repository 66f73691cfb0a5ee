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

async function loadConsole(): Promise<{ window: JSDOM['window']; errors: string[] }> {
  const errors: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error) => {
    if (!/navigation|not implemented/i.test(error.message)) errors.push(error.message);
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
  return { window: dom.window, errors };
}

it('approves a pending payment from its button', async () => {
  const orderId = newOrderId('BT');
  await createPayment(t.sandbox, orderId, 'http://127.0.0.1:9/cb');
  const { window, errors } = await loadConsole();
  const approve = window.document.querySelector<HTMLButtonElement>(`button[data-action="approve"][data-order="${orderId}"]`)!;
  expect(approve).not.toBeNull();
  approve.click();
  await waitFor('the approval', async () => (await t.sandbox.transaction(orderId))!.transaction.state === 'success');
  expect(errors).toEqual([]);
  window.close();
});

it('applies and resets the fault switches from the form', async () => {
  const { window, errors } = await loadConsole();
  const form = window.document.getElementById('faults') as HTMLFormElement;
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  field('delayMs').value = '25';
  field('drop').value = 'all';
  field('mode').value = 'PROCESSING';
  field('actions').value = 'STATUS_QUERY, REFUND';
  field('times').value = '2';
  field('afterProcessing').checked = true;
  form.dispatchEvent(new window.Event('submit', { cancelable: true }));
  const applied = await waitFor('the fault switches', () => (t.sandbox.faults.get().response ? t.sandbox.faults.get() : undefined));
  expect(applied).toMatchObject({
    delayMs: 25,
    drop: 'all',
    response: { mode: 'PROCESSING', actions: ['STATUS_QUERY', 'REFUND'], times: 2, afterProcessing: true, replyAfterMs: null },
  });
  window.document.querySelector<HTMLButtonElement>('button[data-reset-faults]')!.click();
  await waitFor('the reset', () => t.sandbox.faults.get().response === null);
  expect(errors).toEqual([]);
  window.close();
});
