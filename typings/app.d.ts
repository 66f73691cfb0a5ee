/** The mini-program's App() instance, as pages see it through getApp<IAppOption>(). */
interface IAppOption {
  globalData: {
    /** Cloud Development environment id, from miniprogram/config.ts. */
    env: string;
    /** Language of the interface, chosen from the phone's WeChat language at launch. */
    language: 'zh' | 'en';
    /** False when wx.cloud was missing at launch: every function call then fails as NETWORK. */
    cloudReady: boolean;
  };
}
