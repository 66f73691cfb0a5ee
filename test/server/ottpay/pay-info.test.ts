import { parsePayInfo, PayInfoError } from '../../../server/ottpay/pay-info';

// Example E / TV5 of the protocol reference: payInfo as the newer API returns it (a JSON string).
const TV5_PAY_INFO =
  '{"appId":"wx53949a5b7cda9226","timeStamp":"2023030612","nonceStr":"Qga4FuDEVFlEr13C","packageStr":"prepay_id\\u003dwx07010712646422b84dfd8c4e7844f50000","signType":"MD5","paySign":"18F34642E2DB3F7A5978C9F77AA3EE60"}';

// Example D: the decrypted MAPPPAY response from OTT's Java SDK, payInfo double-encoded inside it.
const EXAMPLE_D =
  '{"payInfo":"{\\"appId\\":\\"wx5f89682208cf8e88\\",\\"timeStamp\\":\\"2018091015\\",\\"nonceStr\\":\\"fGzn4apm4g33UnYU\\",\\"packageStr\\":\\"prepay_id\\\\u003dwx11030407018895349c421ab82302468473\\",\\"signType\\":\\"MD5\\",\\"paySign\\":\\"0961D43010DF42EA6021D76915F36F7A\\"}","merchant_id":"ON00009999","order_id":"TEST0000008","amount":1,"sale_num":"1536606245849717"}';

function messageOf(payInfo: unknown): string {
  try {
    parsePayInfo(payInfo);
  } catch (error) {
    expect(error).toBeInstanceOf(PayInfoError);
    return (error as Error).message;
  }
  throw new Error('expected a PayInfoError');
}

describe('parsePayInfo (D7)', () => {
  it('TV5: gives exactly the wx.requestPayment arguments', () => {
    expect(parsePayInfo(TV5_PAY_INFO)).toEqual({
      appId: 'wx53949a5b7cda9226',
      payment: {
        timeStamp: '2023030612',
        nonceStr: 'Qga4FuDEVFlEr13C',
        package: 'prepay_id=wx07010712646422b84dfd8c4e7844f50000',
        signType: 'MD5',
        paySign: '18F34642E2DB3F7A5978C9F77AA3EE60',
      },
    });
  });

  it('example D: reads the payInfo string of a decrypted MAPPPAY response', () => {
    const response = JSON.parse(EXAMPLE_D);
    expect(typeof response.payInfo).toBe('string');
    expect(parsePayInfo(response.payInfo)).toEqual({
      appId: 'wx5f89682208cf8e88',
      payment: {
        timeStamp: '2018091015',
        nonceStr: 'fGzn4apm4g33UnYU',
        package: 'prepay_id=wx11030407018895349c421ab82302468473',
        signType: 'MD5',
        paySign: '0961D43010DF42EA6021D76915F36F7A',
      },
    });
  });

  it('accepts an object as well as a string', () => {
    expect(parsePayInfo(JSON.parse(TV5_PAY_INFO))).toEqual(parsePayInfo(TV5_PAY_INFO));
  });

  it('passes values through unchanged: no trimming, no re-typing', () => {
    const odd = { ...JSON.parse(TV5_PAY_INFO), timeStamp: '0012', nonceStr: ' n o n c e ', paySign: 'abc' };
    expect(parsePayInfo(odd).payment).toMatchObject({ timeStamp: '0012', nonceStr: ' n o n c e ', paySign: 'abc' });
  });

  it('leaves out appId when OTT Pay sends none, and keeps unknown keys out of the payment', () => {
    const { appId: _appId, ...rest } = JSON.parse(TV5_PAY_INFO);
    const parsed = parsePayInfo({ ...rest, extra: 'x' });
    expect(parsed).not.toHaveProperty('appId');
    expect(Object.keys(parsed.payment).sort()).toEqual(['nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
  });

  it.each(['timeStamp', 'nonceStr', 'packageStr', 'signType', 'paySign'])('names a missing %s', (field) => {
    const fields = JSON.parse(TV5_PAY_INFO);
    delete fields[field];
    expect(messageOf(JSON.stringify(fields))).toBe(`payInfo.${field} is missing`);
  });

  it('names a field that is not a string rather than converting it', () => {
    expect(messageOf({ ...JSON.parse(TV5_PAY_INFO), timeStamp: 2023030612 })).toContain('payInfo.timeStamp');
    expect(messageOf({ ...JSON.parse(TV5_PAY_INFO), appId: 5 })).toContain('payInfo.appId');
  });

  it('refuses an unknown signType', () => {
    expect(messageOf({ ...JSON.parse(TV5_PAY_INFO), signType: 'SHA1' })).toContain('payInfo.signType');
  });

  it.each([[''], ['not json'], ['[]'], [null], [undefined], [42]])('refuses %p', (payInfo) => {
    expect(messageOf(payInfo)).toMatch(/^payInfo is not/);
  });
});
