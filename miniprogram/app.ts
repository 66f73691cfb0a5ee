import { config } from './config';
import { currentLanguage } from './i18n/index';

App<IAppOption>({
  globalData: {
    env: config.cloudEnv,
    language: 'zh',
    cloudReady: false,
  },

  onLaunch() {
    this.globalData.language = currentLanguage();
    if (!wx.cloud) {
      console.error('wx.cloud is missing: use base library 2.2.3 or later with Cloud Development enabled');
      return;
    }
    wx.cloud.init({ env: config.cloudEnv, traceUser: true });
    this.globalData.cloudReady = true;
  },
});
