/**
 * A stand-in for WeChat's cloud call (云调用) as wx-server-sdk reaches it: a multipart POST to
 * /admin with action `wx.openApi`, the API's name, and its arguments as a protobuf CommApiData;
 * answered with a protobuf CommOpenApiResp whose body is WeChat's JSON. It knows one API,
 * wxa.sec.order.uploadShippingInfo, and remembers what it accepted.
 */
import type { ServerResponse } from 'http';

/** One cloud call as the function sent it, and WeChat's errcode. */
export interface CloudCallRecord {
  at: string;
  /** The arguments as the function sent them. */
  body: Record<string, unknown>;
  errcode: number;
}

export type ShippingUpload = CloudCallRecord;

export interface OpenApiSwitches {
  /** The next calls are refused with this errcode (10060001 "支付单不存在" by default). */
  failNext: { count: number; errcode: number; errmsg: string } | null;
}

const UPLOAD_API = 'wxa.sec.order.uploadShippingInfo';
const MESSAGE_API = 'subscribeMessage.send';

export class LocalOpenApi {
  readonly uploads: ShippingUpload[] = [];
  /** Subscription messages sent (subscribeMessage.send): the payment notices. */
  readonly messages: CloudCallRecord[] = [];
  switches: OpenApiSwitches = { failNext: null };
  /** Payments already given shipping information, by their order key. */
  private readonly shipped = new Set<string>();

  /** WeChat's answer to one call. */
  call(apiName: string, args: Record<string, unknown>): { errcode: number; errmsg: string } {
    const known = { [UPLOAD_API]: [this.uploads, () => this.answerUpload(args)], [MESSAGE_API]: [this.messages, () => answerMessage(args)] } as const;
    const api = known[apiName as keyof typeof known];
    if (!api) return { errcode: 48001, errmsg: `api unauthorized: the local stand-in knows ${Object.keys(known).join(' and ')}` };
    const [records, answer] = api;
    const reply = this.refusal() ?? answer();
    records.push({ at: new Date().toISOString(), body: args, errcode: reply.errcode });
    return reply;
  }

  private refusal(): { errcode: number; errmsg: string } | null {
    const fail = this.switches.failNext;
    if (!fail || fail.count <= 0) return null;
    fail.count -= 1;
    if (fail.count === 0) this.switches.failNext = null;
    return { errcode: fail.errcode, errmsg: fail.errmsg };
  }

  private answerUpload(args: Record<string, unknown>): { errcode: number; errmsg: string } {
    const key = JSON.stringify(args.order_key ?? null);
    const payer = (args.payer as { openid?: unknown } | undefined)?.openid;
    const items = args.shipping_list as { item_desc?: unknown }[] | undefined;
    if (args.order_key === undefined || typeof payer !== 'string' || ![3, 4].includes(args.logistics_type as number) || !items?.[0]?.item_desc) {
      return { errcode: 47001, errmsg: 'data format error' };
    }
    if (this.shipped.has(key)) return { errcode: 10060004, errmsg: '支付单处于不可发货的状态' };
    this.shipped.add(key);
    return { errcode: 0, errmsg: 'ok' };
  }
}

/** subscribeMessage.send: a message needs its payer, its template and values that are text. */
function answerMessage(args: Record<string, unknown>): { errcode: number; errmsg: string } {
  const data = args.data as Record<string, { value?: unknown }> | undefined;
  if (typeof args.touser !== 'string' || typeof args.template_id !== 'string' || !data || Object.values(data).some((v) => typeof v?.value !== 'string')) {
    return { errcode: 47003, errmsg: 'argument invalid!' };
  }
  return { errcode: 0, errmsg: 'ok' };
}

// --- the wire: multipart form-data in, protobuf both ways -------------------------------------

/** The parts of a multipart/form-data body, by name, as raw bytes. */
export function formParts(body: Buffer, contentType: string): Map<string, Buffer> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const parts = new Map<string, Buffer>();
  if (!boundary) return parts;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const name = /name="([^"]+)"/.exec(part.subarray(0, split).toString('utf8'));
    if (split !== -1 && name) parts.set(name[1], part.subarray(split + 4));
    start = next;
  }
  return parts;
}

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

/** The fields of one protobuf message: numbers to values (varints) or bytes (length-delimited). */
function protobufFields(buf: Buffer): { field: number; value: number | Buffer }[] {
  const fields: { field: number; value: number | Buffer }[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, afterTag] = readVarint(buf, at);
    const wire = tag & 7;
    if (wire === 0) {
      const [value, after] = readVarint(buf, afterTag);
      fields.push({ field: tag >>> 3, value });
      at = after;
    } else if (wire === 2) {
      const [length, afterLength] = readVarint(buf, afterTag);
      fields.push({ field: tag >>> 3, value: buf.subarray(afterLength, afterLength + length) });
      at = afterLength + length;
    } else {
      throw new Error(`protobuf wire type ${wire} is not used by CommApiData`);
    }
  }
  return fields;
}

/** CommApiData (2: OpenApiData of KeyValuePair{1: key, 2: JSON value}) as the arguments object. */
export function decodeOpenApiArgs(requestData: Buffer): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const { field, value } of protobufFields(requestData)) {
    if (field !== 2 || !Buffer.isBuffer(value)) continue;
    for (const pair of protobufFields(value)) {
      if (pair.field !== 1 || !Buffer.isBuffer(pair.value)) continue;
      const kv = protobufFields(pair.value);
      const key = kv.find((f) => f.field === 1)?.value;
      const json = kv.find((f) => f.field === 2)?.value;
      if (Buffer.isBuffer(key) && Buffer.isBuffer(json)) args[key.toString('utf8')] = JSON.parse(json.toString('utf8'));
    }
  }
  return args;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

function lengthDelimited(field: number, data: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(data.length), data]);
}

/** CommOpenApiResp{1: respData, 2: contentType, 4: httpCode} around WeChat's JSON answer. */
export function encodeOpenApiReply(json: object): Buffer {
  return Buffer.concat([lengthDelimited(1, Buffer.from(JSON.stringify(json))), lengthDelimited(2, Buffer.from('application/json')), varint((4 << 3) | 0), varint(200)]);
}

/** Answers one cloud call as the platform would: its reply, or the platform's own JSON error. */
export function serveOpenApi(openApi: LocalOpenApi, body: Buffer, contentType: string, res: ServerResponse): void {
  const parts = formParts(body, contentType);
  const action = parts.get('action')?.toString('utf8');
  const apiName = parts.get('apiName')?.toString('utf8') ?? '';
  const requestData = parts.get('requestData');
  if (action !== 'wx.openApi' || !requestData) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: 'INVALID_PARAM', message: `the local cloud call answers action wx.openApi with requestData, not ${action ?? 'nothing'}` }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.end(encodeOpenApiReply(openApi.call(apiName, decodeOpenApiArgs(requestData))));
}
