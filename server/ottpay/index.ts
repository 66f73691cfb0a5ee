/** The OTT Pay protocol library: Appendix A codec, configuration, typed actions, call-backs. */
export {
  decodeCiphertext,
  deriveAesKey,
  digest,
  digestInput,
  seal,
  unseal,
  VerificationError,
  type OutgoingData,
  type SealedData,
  type Scalar,
  type VerificationFailure,
  type VerifiedData,
} from './codec';
export { ConfigError, describeConfig, loadOttConfig, type ConfigProblem, type OttConfig, type OttVersions } from './config';
export { postJson, TransportError, type HttpReply, type Transport, type TransportFailure } from './transport';
export { AmountError, parseMinorUnits } from './amounts';
export { parsePayInfo, PayInfoError, type ParsedPayInfo } from './pay-info';
export { isPaidStatus, mapOrderStatus, type PaymentStatus } from './status';
export { chargedCents, includesTip, TIP_READINGS, type MoneyFigure, type TipReading } from './tip-reading';
export { classifyResponseCode, type ResponseClass } from './response-codes';
export type { LocalUnknownCode, OttOutcome } from './outcome';
export {
  OttClient,
  type OttApi,
  type ActivePayRequest,
  type ActivePayResult,
  type ExchangeRateResult,
  type MappPayRequest,
  type MappPayResult,
  type RefundResponse,
  type RefundRequest,
  type StatusQueryResult,
} from './client';
export {
  CallbackRejected,
  readCallbackEnvelope,
  verifyCallback,
  type CallbackEnvelope,
  type CallbackRejection,
  type VerifiedCallback,
} from './callback';
