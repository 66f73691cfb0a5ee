/**
 * The counter's voice: clips played one after another through one audio context, each
 * announcement after the one before. WeChat lets a page play sound only after a tap, so the
 * counter starts silent until `enable()` is called from one.
 */
import type { Language } from '../i18n/index';
import { clipPath } from '../utils/speech';

export interface Announcer {
  /** From a tap: sound on (says so), and announcements play from now on. */
  enable(): void;
  disable(): void;
  readonly enabled: boolean;
  say(clips: string[]): void;
  /** Stops what is playing and forgets what waits. */
  close(): void;
}

export function createAnnouncer(language: Language): Announcer {
  let enabled = false;
  let queue: string[] = [];
  let playing = false;
  let audio: WechatMiniprogram.InnerAudioContext | null = null;

  const context = (): WechatMiniprogram.InnerAudioContext | null => {
    if (audio) return audio;
    try {
      // a counter speaks even with the phone's mute switch on, over other sound
      wx.setInnerAudioOption({ obeyMuteSwitch: false, mixWithOther: true });
      audio = wx.createInnerAudioContext();
      audio.onEnded(playNext);
      audio.onError(playNext);
    } catch {
      audio = null;
    }
    return audio;
  };

  function playNext(): void {
    const next = queue.shift();
    const player = context();
    if (next === undefined || !player || !enabled) {
      playing = false;
      return;
    }
    playing = true;
    player.src = next;
    player.play();
  }

  const say = (clips: string[]) => {
    if (!enabled) return;
    queue.push(...clips.map((clip) => clipPath(clip, language)));
    if (!playing) playNext();
  };

  return {
    get enabled() {
      return enabled;
    },
    enable() {
      enabled = true;
      say(['soundOn']);
    },
    disable() {
      enabled = false;
      queue = [];
      audio?.stop();
      playing = false;
    },
    say,
    close() {
      this.disable();
      audio?.destroy();
      audio = null;
    },
  };
}
