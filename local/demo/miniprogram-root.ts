import { resolve } from 'path';

/** The mini-program's folder (app.json, pages/, components/). */
export const MINIPROGRAM_ROOT = resolve(__dirname, '..', '..', 'miniprogram');
