/**
 * Run switches: what the sandbox does wrong on purpose during a run, and what it counts as the
 * acknowledgement of a call-back. They live in memory only, start from the `faults` and
 * `callbackAck` options and change through the control endpoint.
 */

export const PROTOCOL_ACTIONS = ['MAPPPAY', 'ACTIVEPAY', 'STATUS_QUERY', 'REFUND', 'EX_RATE_QUERY'] as const;
export type ProtocolAction = (typeof PROTOCOL_ACTIONS)[number];
/** The name response faults give to `POST /inAppPay`, beside the /processV2 actions. */
export const IN_APP_ACTION = 'INAPP';
export const FAULT_ACTIONS: readonly string[] = [...PROTOCOL_ACTIONS, IN_APP_ACTION];

export const RESPONSE_FAULT_MODES = ['SYSTEM_ERROR', 'PROCESSING', 'TIMEOUT', 'CORRUPT_DATA', 'WRONG_MD5'] as const;
export type ResponseFaultMode = (typeof RESPONSE_FAULT_MODES)[number];

/**
 * What acknowledges a call-back (OTT's documents say nothing). success-body: HTTP 200 with the
 * body SUCCESS; any-2xx: any HTTP 2xx, whatever the body; json-rsp-code: HTTP 2xx with a JSON body
 * whose rsp_code is SUCCESS.
 */
export const CALLBACK_ACK_POLICIES = ['success-body', 'any-2xx', 'json-rsp-code'] as const;
export type CallbackAckPolicy = (typeof CALLBACK_ACK_POLICIES)[number];
export const DEFAULT_CALLBACK_ACK: CallbackAckPolicy = 'success-body';

/** How /processV2 and /inAppPay misbehave. */
export interface ResponseFault {
  /**
   * SYSTEM_ERROR / PROCESSING: answer with that rsp_code. TIMEOUT: hold the request without an
   * answer. CORRUPT_DATA / WRONG_MD5: a SUCCESS answer whose data / md5 is altered (/processV2
   * only: the in-app answer is not sealed).
   */
  mode: ResponseFaultMode;
  /** Only these actions are affected; empty or absent: every action. */
  actions?: string[];
  /** How many requests are affected before the fault switches itself off; null or absent: until changed. */
  times?: number | null;
  /**
   * SYSTEM_ERROR, PROCESSING and TIMEOUT only. false (default): the request has no effect, as if it
   * never reached the acquirer's ledger. true: the request takes effect (an order is created, a
   * refund is booked) and only the answer is lost, so a later STATUS_QUERY finds the order.
   * CORRUPT_DATA and WRONG_MD5 always take effect.
   */
  afterProcessing?: boolean;
  /** TIMEOUT only: answer after this many ms (the real answer if processed, else rsp_code TIMEOUT); null or absent: never. */
  replyAfterMs?: number | null;
}

export type NormalizedResponseFault = Required<ResponseFault>;

export interface FaultSettings {
  /** Wait this long before the first attempt of each call-back. */
  delayMs: number;
  /** Copies of every call-back attempt sent at once (0 or 1: one copy). */
  duplicate: number;
  /** Skip the next N call-backs, or 'all'; skipped ones are recorded as dropped. */
  drop: number | 'all';
  /** Hold call-backs until this many are queued, then send them newest first (0 or 1: off). */
  reorder: number;
  /** Release held call-backs (newest first) when the oldest has waited this long. */
  reorderTimeoutMs: number;
  response: ResponseFault | null;
  /**
   * How the md5 of a reply renders integral numbers: Java Double ("1.0"), as OTT's own SDK checks
   * it, or JavaScript ("1"), which OTT's SDK refuses.
   */
  numberDigest: 'js' | 'java';
  /** Not a fault: a reset returns it to the value the sandbox started with. */
  callbackAck: CallbackAckPolicy;
}

export type FaultPatch = Partial<FaultSettings>;

/** The switches as they stand, every field of the response fault filled in. */
export type CurrentFaults = Omit<FaultSettings, 'response'> & { response: NormalizedResponseFault | null };

export interface FaultController {
  get(): CurrentFaults;
  /** Changes the given switches; throws FaultSettingsError (and changes nothing) when one is invalid. */
  set(patch: FaultPatch): CurrentFaults;
  /** Switches every fault off; callbackAck returns to its value at start. */
  reset(): CurrentFaults;
}

export class FaultSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSettingsError';
  }
}

export const NO_FAULTS: CurrentFaults = Object.freeze({
  delayMs: 0,
  duplicate: 1,
  drop: 0,
  reorder: 0,
  reorderTimeoutMs: 5000,
  response: null,
  numberDigest: 'java',
  callbackAck: DEFAULT_CALLBACK_ACK,
});

const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultSettingsError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function normalizeResponse(value: unknown): NormalizedResponseFault | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new FaultSettingsError('response must be an object or null');
  const fault = value as Record<string, unknown>;
  if (!RESPONSE_FAULT_MODES.includes(fault.mode as ResponseFaultMode)) {
    throw new FaultSettingsError(`response.mode must be one of ${RESPONSE_FAULT_MODES.join(', ')}`);
  }
  const actions = fault.actions ?? [];
  if (!Array.isArray(actions) || !actions.every((a) => FAULT_ACTIONS.includes(a))) {
    throw new FaultSettingsError(`response.actions must list actions among ${FAULT_ACTIONS.join(', ')}`);
  }
  if ((fault.mode === 'CORRUPT_DATA' || fault.mode === 'WRONG_MD5') && actions.includes(IN_APP_ACTION)) {
    throw new FaultSettingsError(`response.mode ${fault.mode} cannot apply to ${IN_APP_ACTION}: its answer is plain JSON, without data or md5`);
  }
  const times = fault.times ?? null;
  const replyAfterMs = fault.replyAfterMs ?? null;
  const afterProcessing = fault.afterProcessing ?? false;
  if (typeof afterProcessing !== 'boolean') throw new FaultSettingsError('response.afterProcessing must be a boolean');
  return {
    mode: fault.mode as ResponseFaultMode,
    actions: [...(actions as string[])],
    times: times === null ? null : integer('response.times', times, 1, 1_000_000),
    afterProcessing,
    replyAfterMs: replyAfterMs === null ? null : integer('response.replyAfterMs', replyAfterMs, 0, MAX_DELAY_MS),
  };
}

function applyPatch(current: CurrentFaults, patch: unknown): CurrentFaults {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new FaultSettingsError('fault settings must be a JSON object');
  }
  const next: CurrentFaults = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'delayMs':
        next.delayMs = integer(key, value, 0, MAX_DELAY_MS);
        break;
      case 'duplicate':
        next.duplicate = integer(key, value, 0, 20);
        break;
      case 'drop':
        next.drop = value === 'all' ? 'all' : integer(key, value, 0, 1_000_000);
        break;
      case 'reorder':
        next.reorder = integer(key, value, 0, 20);
        break;
      case 'reorderTimeoutMs':
        next.reorderTimeoutMs = integer(key, value, 1, MAX_DELAY_MS);
        break;
      case 'response':
        next.response = normalizeResponse(value);
        break;
      case 'numberDigest':
        if (value !== 'js' && value !== 'java') throw new FaultSettingsError("numberDigest must be 'js' or 'java'");
        next.numberDigest = value;
        break;
      case 'callbackAck':
        if (!CALLBACK_ACK_POLICIES.includes(value as CallbackAckPolicy)) {
          throw new FaultSettingsError(`callbackAck must be one of ${CALLBACK_ACK_POLICIES.join(', ')}`);
        }
        next.callbackAck = value as CallbackAckPolicy;
        break;
      default:
        throw new FaultSettingsError(`unknown fault setting "${key}"`);
    }
  }
  return next;
}

function copy(settings: CurrentFaults): CurrentFaults {
  return {
    ...settings,
    response: settings.response ? { ...settings.response, actions: [...settings.response.actions] } : null,
  };
}

export class FaultSwitchboard implements FaultController {
  private settings: CurrentFaults;
  private readonly baseline: CurrentFaults;

  constructor(initial: FaultPatch = {}, callbackAck: CallbackAckPolicy = DEFAULT_CALLBACK_ACK) {
    this.baseline = applyPatch(copy(NO_FAULTS), { callbackAck });
    this.settings = applyPatch(copy(this.baseline), initial);
  }

  get(): CurrentFaults {
    return copy(this.settings);
  }

  set(patch: FaultPatch): CurrentFaults {
    this.settings = applyPatch(this.settings, patch);
    return this.get();
  }

  reset(): CurrentFaults {
    this.settings = copy(this.baseline);
    return this.get();
  }

  /** Uses up one application of the response fault when it concerns this action and one of these modes. */
  takeResponseFault(action: string, modes: readonly ResponseFaultMode[]): NormalizedResponseFault | null {
    const fault = this.settings.response;
    if (!fault || !modes.includes(fault.mode)) return null;
    if (fault.actions.length > 0 && !fault.actions.includes(action)) return null;
    if (fault.times !== null) {
      this.settings.response = fault.times > 1 ? { ...fault, times: fault.times - 1 } : null;
    }
    return { ...fault, actions: [...fault.actions] };
  }

  /** Whether the call-back being queued is to be dropped (uses up one of a counted drop). */
  takeDrop(): boolean {
    const drop = this.settings.drop;
    if (drop === 'all') return true;
    if (drop <= 0) return false;
    this.settings.drop = drop - 1;
    return true;
  }

  copies(): number {
    return Math.max(1, this.settings.duplicate);
  }
}
