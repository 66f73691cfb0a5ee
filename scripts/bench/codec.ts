/**
 * The Appendix A codec side by side with two baselines run in the same process: the bare
 * node:crypto steps it cannot avoid (the floor), and crypto-js, which public OTT Pay
 * integrations use.
 */
import { createCipheriv, createDecipheriv, createHash } from 'crypto';
import CryptoJS from 'crypto-js';
import { SANDBOX_CREDENTIALS } from '../../local/sandbox-credentials';
import { seal, unseal } from '../../server/ottpay/codec';

const DATA = {
  order_id: '2020041468976O124O000857',
  operator_id: '0000020156',
  amount: '1234',
  tip: '185',
  biz_type: 'WECHATPAY',
  app_id: 'wx5f89682208cf8e88',
  open_id: 'oTESTOPENID000000000000000000',
  call_back_url: 'https://merchant.example.com/ottpay/callback',
};
const KEY = SANDBOX_CREDENTIALS.signKey;

type Sealed = { md5: string; data: string };
type Data = Record<string, string>;

const md5Upper = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
const concat = (data: Data) => Object.keys(data).sort().map((k) => data[k]).join('');

/** The floor: the same steps with node:crypto and nothing else. */
const native = {
  seal(data: Data): Sealed {
    const md5 = md5Upper(concat(data));
    const key = Buffer.from(md5Upper(md5 + KEY).slice(8, 24), 'ascii');
    const cipher = createCipheriv('aes-128-ecb', key, null);
    return { md5, data: Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]).toString('base64') };
  },
  unseal(sealed: Sealed): Data {
    const key = Buffer.from(md5Upper(sealed.md5 + KEY).slice(8, 24), 'ascii');
    const decipher = createDecipheriv('aes-128-ecb', key, null);
    const data = JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8')) as Data;
    if (md5Upper(concat(data)) !== sealed.md5) throw new Error('md5 mismatch');
    return data;
  },
};

const cryptoJsMd5 = (text: string) => CryptoJS.MD5(text).toString().toUpperCase();

/** What public integrations do: crypto-js for MD5 and AES. */
const cryptoJs = {
  seal(data: Data): Sealed {
    const md5 = cryptoJsMd5(concat(data));
    const key = CryptoJS.enc.Utf8.parse(cryptoJsMd5(md5 + KEY).slice(8, 24));
    const encrypted = CryptoJS.AES.encrypt(JSON.stringify(data), key, { mode: CryptoJS.mode.ECB, padding: CryptoJS.pad.Pkcs7 });
    return { md5, data: encrypted.toString() };
  },
  unseal(sealed: Sealed): Data {
    const key = CryptoJS.enc.Utf8.parse(cryptoJsMd5(sealed.md5 + KEY).slice(8, 24));
    const plain = CryptoJS.AES.decrypt(sealed.data, key, { mode: CryptoJS.mode.ECB, padding: CryptoJS.pad.Pkcs7 }).toString(CryptoJS.enc.Utf8);
    const data = JSON.parse(plain) as Data;
    if (cryptoJsMd5(concat(data)) !== sealed.md5) throw new Error('md5 mismatch');
    return data;
  },
};

function rate(run: () => void, ms = 400): number {
  for (let i = 0; i < 200; i++) run();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (let i = 0; i < 100; i++) run();
    count += 100;
  }
  return (count / (performance.now() - started)) * 1000;
}

export interface CodecFigures {
  seal_per_s: number;
  unseal_per_s: number;
  native_seal_per_s: number;
  native_unseal_per_s: number;
  cryptojs_seal_per_s: number;
  cryptojs_unseal_per_s: number;
  /** Unseal and verify, codec ÷ node:crypto floor. */
  codec_vs_native: number;
  /** Unseal and verify, codec ÷ crypto-js. */
  codec_vs_cryptojs: number;
}

export function measureCodec(): CodecFigures {
  const sealed = seal(DATA, KEY);
  for (const other of [native, cryptoJs]) {
    if (JSON.stringify(other.unseal(sealed)) !== JSON.stringify(DATA) || other.seal(DATA).data !== sealed.data) throw new Error('the baselines disagree with the codec');
  }
  // Interleaved, so that a busy machine slows all three alike.
  const figures = { codec: [0, 0], native: [0, 0], cryptojs: [0, 0] };
  for (let round = 0; round < 3; round++) {
    figures.codec[0] += rate(() => seal(DATA, KEY));
    figures.native[0] += rate(() => native.seal(DATA));
    figures.cryptojs[0] += rate(() => cryptoJs.seal(DATA));
    figures.codec[1] += rate(() => unseal(sealed, KEY));
    figures.native[1] += rate(() => native.unseal(sealed));
    figures.cryptojs[1] += rate(() => cryptoJs.unseal(sealed));
  }
  const per = (n: number) => Math.round(n / 3);
  return {
    seal_per_s: per(figures.codec[0]),
    unseal_per_s: per(figures.codec[1]),
    native_seal_per_s: per(figures.native[0]),
    native_unseal_per_s: per(figures.native[1]),
    cryptojs_seal_per_s: per(figures.cryptojs[0]),
    cryptojs_unseal_per_s: per(figures.cryptojs[1]),
    codec_vs_native: Math.round((figures.codec[1] / figures.native[1]) * 100) / 100,
    codec_vs_cryptojs: Math.round((figures.codec[1] / figures.cryptojs[1]) * 100) / 100,
  };
}
