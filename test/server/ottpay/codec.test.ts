import {
  decodeCiphertext,
  deriveAesKey,
  digest,
  digestInput,
  javaDoubleText,
  seal,
  unseal,
  VerificationError,
} from '../../../server/ottpay/codec';


// Test vectors from ../shared/ottpay-protocol.md section 15.
const TV1 = {
  signKey: '6698851A525C9433',
  plaintext:
    '{"orderId":"1234567890","idCardName":"张三","idCardNum":"123456789012345678","bankCardNum":"62000000000010","mobile":"13711111111","idCardType":"1"}',
  concat: '62000000000010张三1234567890123456781137111111111234567890',
  md5: 'C12F9560769C2CB55E6954935B325916',
  aesKey: 'EF1712FC070C2C21',
  data: 'Y2+GoqBBPc6EJ9JzXRFoOziKd+DqWg5FiUZY1IYoVBVv0xfFznT9/qanMpiNEamEN2NM7J+hxoRn8VGSJImA2soeip9nYr+VJvTXe7D8j4aXiKyFipuPVCQLiCDg3jkJP+S2EezYMf7crqKY/YAni1CCeIwr2aJfFVT1vYhsWIm8t3eyPL//cY4kwombAKhE2gAdEFXz6gVvencz80aRWQ==',
};

const TV2 = {
  signKey: 'A8B5FE540E38A5A9',
  envelope: {
    data: 'vg8LJmi7ryeVxUTVfPC6N1l5ebL9cgn4MdlyLFEL6eqZQN+XvkvNhZevFmRitDLTUTcAcRnKYs407K3ePY2pslEgZYDoa9x80PBh95s7aqAYCwUlY5j9IUtklLlzqNT0mFPS7Fn5p6cr1EkBRVh82QHueCdkWVoFhvVHVYYrwQqF5cmPO+JNuDOei6goomz1QTfvv7M8zc4TT+r/EwKIDm4eoV9EeTk98gSiUy4+2ThLRrtZOFHqVP7OAjJ318X2EIKoZRA5lp42kdRVmd/mXi8aZpTVEiAT2GK7p3TNXFNXuPLcl6DhEUK9FLMrHcl4',
    rsp_code: 'SUCCESS',
    rsp_msg: 'success',
    merchant_id: 'ON00004652',
    md5: '5A917182659DE14DCB3022CA6518F34F',
  },
  aesKey: 'BFE59D83C221F217',
  plaintext:
    '{"amount":"3","bizpay_order_id":"AL5909918566288061","exchange_rate":"5.057030","tip":"1","merchant_id":"ON00004652","order_id":"16795056216014900","finish_time":"2023-03-23 01:21:53","remarks":"可以","sub_openId":"2088032832386722"}',
  concat: '3AL59099185662880615.0570302023-03-23 01:21:53ON0000465216795056216014900可以20880328323867221',
};

const TV4 = {
  signKey: '6698851A525C9433',
  plaintext:
    '{"order_id":"2020041468976O124O000857","operator_id":"0000020156","amount":"1","biz_type":"WECHATPAY","app_id":"wx5f89682208cf8e88","open_id":"oTESTOPENID000000000000000000","call_back_url":"https://merchant.example.com/ottpay/callback"}',
  concat:
    '1wx5f89682208cf8e88WECHATPAYhttps://merchant.example.com/ottpay/callbackoTESTOPENID00000000000000000000000201562020041468976O124O000857',
  md5: '92525E433160E4431461B5115F66FD7A',
  aesKey: '8F36D05B0D7CDFDC',
  data: 'TDFaQA2/zWDtilzbFLYvVF7HIjYOI3Y5fuOjjpOXB6kbkMb9FzGImY5XY3B0P0f0qTk7ZpiHFtPHVgBinvjCDiKqnVzRRoUk8gMVVOk4m5pO6WWqpLQDSARjivTiYs9d5q2pX8PnESYgmx0Nx/qbo/WRyKwwt5TdOIn3AG++BTlVvih61GIlRySOoiaWbs+WSTsRlDtIsWndDTFMg7eXG0EF60Xpd1F8W/O4gkG90fsI9XwDQPp9ZqdOTQmpDnmx+8dmOOXC0xtUGNEYpwlcgfSwIfE8n+IppTweG1rf3nP3JXkinRKWuOKc6dVGoUfY',
};

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof VerificationError) return error.reason;
    throw error;
  }
  return 'VERIFIED';
}

function flipChar(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('TV1: Appendix A encryption', () => {
  const values = JSON.parse(TV1.plaintext);

  it('concatenates values in key order and digests them', () => {
    expect(digestInput(values)).toBe(TV1.concat);
    expect(digest(values)).toBe(TV1.md5);
  });

  it('derives the AES key from the md5 and the sign key', () => {
    expect(deriveAesKey(TV1.md5, TV1.signKey)).toBe(TV1.aesKey);
  });

  it('produces the documented ciphertext byte for byte', () => {
    expect(seal(values, TV1.signKey)).toEqual({ md5: TV1.md5, data: TV1.data });
  });

  it('decrypts its own ciphertext back to the same object', () => {
    expect(unseal({ md5: TV1.md5, data: TV1.data }, TV1.signKey)).toEqual(values);
  });
});

describe('TV2: call-back decryption and md5 verification', () => {
  it('derives the documented key', () => {
    expect(deriveAesKey(TV2.envelope.md5, TV2.signKey)).toBe(TV2.aesKey);
  });

  it('decrypts to the documented plaintext and verifies', () => {
    const values = unseal(TV2.envelope, TV2.signKey);
    expect(values).toEqual(JSON.parse(TV2.plaintext));
    expect(digestInput(values as Record<string, string>)).toBe(TV2.concat);
  });

  it('verifies with the data wrapped into 60-character lines', () => {
    const wrapped = TV2.envelope.data.match(/.{1,60}/g)!.join('\r\n');
    expect(unseal({ ...TV2.envelope, data: wrapped }, TV2.signKey)).toEqual(JSON.parse(TV2.plaintext));
  });

  it('verifies when form encoding turned "+" into spaces', () => {
    const damaged = TV2.envelope.data.replace(/\+/g, ' ');
    expect(unseal({ ...TV2.envelope, data: damaged }, TV2.signKey)).toEqual(JSON.parse(TV2.plaintext));
  });

  it('refuses every single-character change to data', () => {
    const data = TV2.envelope.data;
    const reasons = new Set<string>();
    for (let i = 0; i < data.length; i++) {
      const reason = reasonOf(() => unseal({ md5: TV2.envelope.md5, data: flipChar(data, i) }, TV2.signKey));
      expect(reason).not.toBe('VERIFIED');
      reasons.add(reason);
    }
    expect([...reasons].every((r) => ['BAD_BASE64', 'DECRYPT_FAILED', 'BAD_JSON', 'MD5_MISMATCH'].includes(r))).toBe(true);
  });

  it('refuses every single-character change to the md5', () => {
    for (let i = 0; i < 32; i++) {
      const md5 = flipChar(TV2.envelope.md5, i);
      expect(reasonOf(() => unseal({ md5, data: TV2.envelope.data }, TV2.signKey))).not.toBe('VERIFIED');
    }
  });

  it('refuses the right data under another sign key', () => {
    expect(reasonOf(() => unseal(TV2.envelope, '0000000000000000'))).not.toBe('VERIFIED');
    for (let i = 0; i < 16; i++) {
      expect(reasonOf(() => unseal(TV2.envelope, flipChar(TV2.signKey, i)))).not.toBe('VERIFIED');
    }
  });

  it('never mentions the sign key in its error messages', () => {
    try {
      unseal({ ...TV2.envelope, md5: flipChar(TV2.envelope.md5, 3) }, TV2.signKey);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(TV2.signKey);
    }
  });
});

describe('TV4: MAPPPAY request encoder', () => {
  const values = JSON.parse(TV4.plaintext);

  it('reproduces the regression ciphertext', () => {
    expect(digestInput(values)).toBe(TV4.concat);
    expect(deriveAesKey(TV4.md5, TV4.signKey)).toBe(TV4.aesKey);
    expect(seal(values, TV4.signKey)).toEqual({ md5: TV4.md5, data: TV4.data });
  });

  it('round-trips', () => {
    expect(unseal(seal(values, TV4.signKey), TV4.signKey)).toEqual(values);
  });
});

describe('TV8: key order outside the Basic Multilingual Plane', () => {
  const values = { '\uFF01k': 'fullwidth', '\uD83D\uDE00k': 'emoji' };
  const SDK_MD5 = 'D8AD34E0A9050B1B5573FAD0134AF9EE';
  const CODE_POINT_MD5 = '5370404021DCDC1549C8FB478557ABC0';
  const key = '6698851A525C9433';

  function sealedUnder(md5: string): { md5: string; data: string } {
    const crypto = require('crypto') as typeof import('crypto');
    const cipher = crypto.createCipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, key), 'ascii'), null);
    return { md5, data: Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]).toString('base64') };
  }

  it('orders keys by UTF-16 code units, as the Java TreeMap of OTT\'s SDK does', () => {
    expect(digestInput(values)).toBe('emojifullwidth');
    expect(digest(values)).toBe(SDK_MD5);
    expect(seal(values, key).md5).toBe(SDK_MD5);
  });

  it('verifies data digested in that order and refuses the code-point order', () => {
    expect(unseal(sealedUnder(SDK_MD5), key)).toEqual(values);
    expect(reasonOf(() => unseal(sealedUnder(CODE_POINT_MD5), key))).toBe('MD5_MISMATCH');
  });
});

describe('TV3 and TV6', () => {
  it('derives keys from md5 and sign key', () => {
    expect(deriveAesKey('C12F9560769C2CB55E6954935B325916', '6698851A525C9433')).toBe('EF1712FC070C2C21');
    expect(deriveAesKey('5A917182659DE14DCB3022CA6518F34F', 'A8B5FE540E38A5A9')).toBe('BFE59D83C221F217');
  });

  it('drops the spaces of the line-wrapped example B to 368 bytes', () => {
    const exampleB =
      'RqlbPF0gZ0VnGnpQPnO/v1FSeVY81iMrJd0ejTx+g8Bj8y3XImosyzBF75PW LxyHffCAidLCVxW7lfr60lHVK9FtsEP+V0F1Wp6xDW0ZnJyCpC6inmC9i4NV iEqo50yGS4vtaf+mHz6ZtoWtn9ihYNAOEr1grr/F684cJ+f0D4ZaAkdkI5HV H4BTUPG78lAiJqv1hNmYZIIDucxxyghKFAEdgrfkM13f6Jig9CIHhXW8Xkfl nVSEoVz6v63jX2NS1Ls0bAZTeJC9YFS/hkTjbloaR7hvKU+zx5SZrhGNpjTX OjpKopp57IzWMd4LF4TgXsV8Eqib/ygz6n6wJ5zR6HtcWexC0DnxVoE0DMAz FW3cIIsCDLVkw++eZAZohk6e+Zpbke82apdigJm8xtLam5Esn2N3khpBFpfu oQ3LTPqKnj9mxjUtm/slblJ+ve3hOQ6ZA01QJHBEOxx4UJgm+pTxdyIQuRAH 7Df8XIfP0NE=';
    expect(exampleB.split(' ')).toHaveLength(9);
    expect(decodeCiphertext(exampleB)).toHaveLength(368);
  });
});

describe('verification of what comes back', () => {
  const key = '1234567890ABCDEF';

  function sealRaw(plaintext: string, md5: string): { md5: string; data: string } {
    const crypto = require('crypto') as typeof import('crypto');
    const cipher = crypto.createCipheriv('aes-128-ecb', Buffer.from(deriveAesKey(md5, key), 'ascii'), null);
    return { md5, data: Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64') };
  }

  it('accepts numbers digested as JavaScript renders them', () => {
    const md5 = digest({ amount: '1', order_id: 'A1', exchange_rate: '5.2474' });
    expect(unseal(sealRaw('{"amount":1,"order_id":"A1","exchange_rate":5.2474}', md5), key)).toEqual({
      amount: 1,
      order_id: 'A1',
      exchange_rate: 5.2474,
    });
  });

  it('accepts integral numbers digested in the Java "1.0" form', () => {
    const md5 = digest({ amount: '1.0', order_id: 'A1', total: '2.759E7' });
    expect(unseal(sealRaw('{"amount":1,"order_id":"A1","total":27590000}', md5), key)).toMatchObject({ amount: 1 });
  });

  it('renders Java doubles the way Java does', () => {
    expect(javaDoubleText(1)).toBe('1.0');
    expect(javaDoubleText(275900)).toBe('275900.0');
    expect(javaDoubleText(10000000)).toBe('1.0E7');
    expect(javaDoubleText(27590000)).toBe('2.759E7');
  });

  it('leaves nulls out of the digest as Gson does', () => {
    const md5 = digest({ order_id: 'A1' });
    expect(unseal(sealRaw('{"order_id":"A1","payInfo":null}', md5), key)).toEqual({ order_id: 'A1', payInfo: null });
  });

  it('refuses nested values', () => {
    const md5 = digest({ order_id: 'A1' });
    expect(reasonOf(() => unseal(sealRaw('{"order_id":"A1","payInfo":{"a":"b"}}', md5), key))).toBe('NESTED_VALUE');
    expect(reasonOf(() => unseal(sealRaw('{"order_id":"A1","list":[1]}', md5), key))).toBe('NESTED_VALUE');
  });

  it('refuses data that decrypts to something other than a JSON object', () => {
    const md5 = digest({});
    expect(reasonOf(() => unseal(sealRaw('not json', md5), key))).toBe('BAD_JSON');
    expect(reasonOf(() => unseal(sealRaw('[1,2]', md5), key))).toBe('BAD_JSON');
  });

  it('refuses missing, malformed and non-Base64 input', () => {
    expect(reasonOf(() => unseal({ md5: TV1.md5 }, key))).toBe('MISSING_FIELD');
    expect(reasonOf(() => unseal({ data: TV1.data }, key))).toBe('MISSING_FIELD');
    expect(reasonOf(() => unseal({ md5: 'XYZ', data: TV1.data }, key))).toBe('MALFORMED_MD5');
    expect(reasonOf(() => unseal({ md5: TV1.md5, data: '!!!!' }, key))).toBe('BAD_BASE64');
    expect(reasonOf(() => unseal({ md5: TV1.md5, data: 'AAAA' }, key))).toBe('BAD_BASE64');
  });

  it('refuses a lowercased md5, because the key is derived from the md5 exactly as received', () => {
    const sealed = seal({ a: 'b' }, key);
    const lower = { md5: sealed.md5.toLowerCase(), data: sealed.data };
    expect(reasonOf(() => unseal(lower, key))).not.toBe('VERIFIED');
  });

  it('refuses non-string values when sealing', () => {
    expect(() => seal({ amount: 1 as unknown as string }, key)).toThrow('"amount" must be a string');
  });
});
