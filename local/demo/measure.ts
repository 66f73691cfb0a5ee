/**
 * What a rendered page is measured for, run inside the browser: where a control ends against the
 * first screen, the smallest tap target, the smallest text, and the lowest text contrast (WCAG 2
 * ratios, against the colour actually behind the text). The phone's bars are left out.
 */

export interface Measurement {
  /** Height of the screen and the bottom inset of the home indicator, in CSS px. */
  screenHeight: number;
  safeBottom: number;
  /** The bottom edge of the element asked about, or null when it is not on the page. */
  controlBottom: number | null;
  /** True when that element ends above the home indicator, inside the first screen. */
  controlVisible: boolean | null;
  smallestTarget: { size: number; label: string } | null;
  smallestText: { size: number; text: string } | null;
  lowestContrast: { ratio: number; text: string; large: boolean } | null;
  /** Text below its WCAG AA threshold (4.5:1, or 3:1 when large). */
  contrastFailures: Array<{ ratio: number; text: string }>;
  /** Targets under 44 px in either direction. */
  smallTargets: Array<{ width: number; height: number; label: string }>;
  /** Text lines that wrap inside a button (a label too long for its button). */
  wrappedButtons: string[];
}

/** The expression to evaluate in the page; `control` is a CSS selector or ''. */
export function measureScript(control: string): string {
  return `(${MEASURE})(${JSON.stringify(control)})`;
}

/** Browser JavaScript, kept as text: this project compiles without the DOM's types. */
const MEASURE = String.raw`
function measure(control) {
  const chrome = (el) => Boolean(el && el.closest('[data-chrome]'));
  const shown = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0 && box.width > 0 && box.height > 0;
  };
  const parse = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3] + under[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color[3] > 0) layers.push(color);
      if (color[3] >= 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const luminance = (c) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  };
  const contrast = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const screenHeight = window.innerHeight;
  const safeBottom = Number(document.body.dataset.safeBottom || 0);
  const visibleArea = (box) => box.top < screenHeight && box.bottom > 0;

  let smallestTarget = null;
  const smallTargets = [];
  for (const el of Array.from(document.querySelectorAll('[data-tap]'))) {
    if (chrome(el) || !shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (!visibleArea(box)) continue;
    const size = Math.round(Math.min(box.width, box.height) * 10) / 10;
    const label = (el.getAttribute('aria-label') || el.textContent || el.id || '').trim().slice(0, 40);
    if (!smallestTarget || size < smallestTarget.size) smallestTarget = { size, label };
    if (box.width < 44 || box.height < 44) smallTargets.push({ width: Math.round(box.width), height: Math.round(box.height), label });
  }

  let smallestText = null;
  let lowestContrast = null;
  const contrastFailures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.textContent || '').trim();
    const el = node.parentElement;
    if (!text || !el || chrome(el) || !shown(el)) continue;
    if (el.closest('[disabled], [aria-disabled="true"], [aria-hidden="true"]')) continue;
    const box = el.getBoundingClientRect();
    if (!visibleArea(box)) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const sample = text.slice(0, 40);
    if (!smallestText || size < smallestText.size) smallestText = { size, text: sample };
    const fg = parse(style.color);
    const bg = background(el);
    const ratio = Math.round(contrast(over(fg, bg), bg) * 100) / 100;
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (!lowestContrast || ratio < lowestContrast.ratio) lowestContrast = { ratio, text: sample, large };
    if (ratio < (large ? 3 : 4.5)) contrastFailures.push({ ratio, text: sample });
  }

  const wrappedButtons = [];
  for (const el of Array.from(document.querySelectorAll('wx-button'))) {
    if (!shown(el)) continue;
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.4;
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
    if (lines > 1 && range.getBoundingClientRect().height > lineHeight * 1.5) wrappedButtons.push((el.textContent || '').trim());
  }

  const target = control ? document.querySelector(control) : null;
  const controlBottom = target && shown(target) ? Math.round(target.getBoundingClientRect().bottom * 10) / 10 : null;
  return {
    screenHeight,
    safeBottom,
    controlBottom,
    controlVisible: controlBottom === null ? null : controlBottom <= screenHeight - safeBottom,
    smallestTarget,
    smallestText,
    lowestContrast,
    contrastFailures,
    smallTargets,
    wrappedButtons,
  };
}
`;
