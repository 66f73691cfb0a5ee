/**
 * `npm run --silent voice-clips`: records the counter's clips (miniprogram/utils/speech.ts CLIPS)
 * with Debian's espeak-ng (`apt-get install espeak-ng`) into miniprogram/voice/<language>/, as
 * 8 kHz mono WAV (a payment speaker's quality) with the silence at both ends cut, so that clips
 * played one after another sound like one sentence and the package stays small. The clips are kept in the repository; a
 * merchant may replace any of them with a recording of their own under the same name.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CLIPS } from '../miniprogram/utils/speech';
import { isEntryPoint } from '../server/app/entry-point';

const VOICES = { zh: 'cmn', en: 'en-us' } as const;
const RATE = 8_000;
/** Samples below this (of 32 767) count as silence at the ends. */
const SILENCE = 600;
/** Kept around the sound, in samples: a short breath between words. */
const MARGIN = Math.round(RATE * 0.03);

/** The 16-bit mono samples of a WAV file espeak-ng wrote, and its rate. */
function readWav(wav: Buffer): { rate: number; samples: Int16Array } {
  const rate = wav.readUInt32LE(24);
  let at = 12;
  while (at < wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'data') {
      const data = wav.subarray(at + 8, at + 8 + Math.min(size, wav.length - at - 8));
      return { rate, samples: new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length - (data.length % 2))) };
    }
    at += 8 + size;
  }
  throw new Error('no data chunk');
}

/** Averaged down to RATE (espeak-ng speaks at 22 050 Hz), the silent ends cut. */
export function shapeClip(samples: Int16Array, rate: number): Int16Array {
  const step = rate / RATE;
  const out = new Int16Array(Math.floor(samples.length / step));
  for (let i = 0; i < out.length; i++) {
    const from = Math.floor(i * step);
    const to = Math.max(from + 1, Math.floor((i + 1) * step));
    let sum = 0;
    for (let j = from; j < to; j++) sum += samples[j];
    out[i] = Math.round(sum / (to - from));
  }
  let start = out.findIndex((s) => Math.abs(s) > SILENCE);
  let end = out.length - 1;
  while (end > 0 && Math.abs(out[end]) <= SILENCE) end--;
  if (start === -1) return out;
  start = Math.max(0, start - MARGIN);
  end = Math.min(out.length - 1, end + MARGIN);
  return out.slice(start, end + 1);
}

export function wavFile(samples: Int16Array): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples.length * 2, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples.length * 2, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, samples.length * 2)]);
}

if (isEntryPoint(__filename)) {
  let bytes = 0;
  for (const language of ['zh', 'en'] as const) {
    const dir = join(__dirname, '..', 'miniprogram', 'voice', language);
    mkdirSync(dir, { recursive: true });
    for (const [clip, text] of Object.entries(CLIPS[language])) {
      const wav = execFileSync('espeak-ng', ['-v', VOICES[language], '-s', language === 'zh' ? '190' : '175', '--stdout', text]);
      const { rate, samples } = readWav(wav);
      const file = wavFile(shapeClip(samples, rate));
      writeFileSync(join(dir, `${clip}.wav`), file);
      bytes += file.length;
    }
  }
  process.stdout.write(`recorded ${Object.keys(CLIPS.zh).length + Object.keys(CLIPS.en).length} clips, ${Math.round(bytes / 1024)} KB\n`);
}
