/**
 * WeChat's order-shipping management (发货信息管理): the request that tells WeChat a mini-program
 * payment's goods were handed over, through the cloud-call API wxa.sec.order.uploadShippingInfo
 * (declared in the sweep's config.json permissions). Fields are WeChat's own, in snake case.
 */
import { cloudCall, type CloudCallAnswer, type CloudCallOpenApi } from './cloud-call';

export interface ShippingInfo {
  order_key: { order_number_type: 2; transaction_id: string } | { order_number_type: 1; mchid: string; out_trade_no: string };
  /** 4: picked up by the payer (用户自提); 3: a virtual good (虚拟商品). */
  logistics_type: 3 | 4;
  /** 1: everything in one delivery. */
  delivery_mode: 1;
  shipping_list: { item_desc: string }[];
  /** RFC 3339, with its offset. */
  upload_time: string;
  payer: { openid: string };
}

export type UploadAnswer = CloudCallAnswer;

export interface ShippingApi {
  uploadShippingInfo(info: ShippingInfo): Promise<UploadAnswer>;
}

/**
 * WeChat's answers that mean nothing more is to be sent: 10060003, the payment already used its
 * one re-delivery; 10060004, it cannot be shipped (refunded, or already shipped). Our reading of
 * WeChat's error list and its developer community; every other errcode is tried again.
 */
export const SHIPPING_SETTLED_ERRCODES: ReadonlySet<number> = new Set([10060003, 10060004]);

/** The upload through wx-server-sdk's cloud call. */
export function cloudCallShippingApi(openapi: CloudCallOpenApi): ShippingApi {
  return { uploadShippingInfo: (info) => cloudCall(() => openapi.wxa.sec.order.uploadShippingInfo(info)) };
}
