/**
 * A simulated page as a plain HTML document a browser can screenshot and measure: the WXML tree
 * rendered now (from miniprogram-simulate's toJSON), the app's, page's and components' WXSS (rpx,
 * vh and safe-area insets resolved for the phone, each component's classes kept to itself as
 * WeChat isolates them), WeChat's built-in component styles (style v2), and the phone around it:
 * status bar, navigation bar with the capsule, home indicator.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { MINIPROGRAM_ROOT } from './miniprogram-root';
import type { Page, PageName } from './simulator';

export interface Phone {
  name: string;
  width: number;
  height: number;
  /** iOS status bar height. */
  statusBar: number;
  /** Bottom safe-area inset (the home indicator), 0 on phones with a home button. */
  safeBottom: number;
}

/** Common iPhone screens, in CSS pixels. */
export const PHONES: Record<string, Phone> = {
  '320x568': { name: '320x568', width: 320, height: 568, statusBar: 20, safeBottom: 0 },
  '375x667': { name: '375x667', width: 375, height: 667, statusBar: 20, safeBottom: 0 },
  '414x736': { name: '414x736', width: 414, height: 736, statusBar: 20, safeBottom: 0 },
  '375x812': { name: '375x812', width: 375, height: 812, statusBar: 44, safeBottom: 34 },
  '414x896': { name: '414x896', width: 414, height: 896, statusBar: 48, safeBottom: 34 },
};

/** WeChat's navigation bar on iOS. */
export const NAV_BAR = 44;
/** The font size WeChat gives rem at its standard text size setting. */
export const ROOT_FONT_SIZE = 16;

export interface PageHtmlOptions {
  title: string;
  phone: Phone;
  dark?: boolean;
  /** A back arrow in the navigation bar (any page but the first). */
  back?: boolean;
  /** WeChat's text size setting as the root font size in px (`page-meta root-font-size="system"`); 16 is standard, 20 and 24 larger. */
  rootFontPx?: number;
}

interface JsonNode {
  tagName: string;
  event?: Record<string, { name: string }>;
  attrs: Array<{ name: string; value: unknown }>;
  children: Array<JsonNode | string>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ESCAPES[ch]);

/**
 * WeChat's own styles for its components (style v2), as far as these pages use them. The button
 * rule is the one that matters most: every button not size="mini" is 184 px wide unless the page
 * outranks `wx-button:not([size=mini])`.
 */
const BUILT_IN_CSS = `
wx-view { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-button { position: relative; display: block; margin-left: auto; margin-right: auto; padding: 12px 24px; box-sizing: border-box;
  font-size: 17px; font-weight: 700; text-align: center; line-height: 1.41176471; border-radius: 8px; overflow: hidden;
  color: #06ae56; background-color: #f2f2f2; }
wx-button:not([size=mini]) { width: 184px; }
wx-button[type=primary] { color: #ffffff; background-color: #07c160; }
wx-button[type=warn] { color: #fa5151; background-color: #f2f2f2; }
wx-button[disabled] { color: rgba(0, 0, 0, 0.18); background-color: rgba(0, 0, 0, 0.05); }
wx-button[size=mini] { display: inline-block; line-height: 2.3; font-size: 13px; padding: 0 1.34em; }
wx-button::after { content: ' '; position: absolute; top: 0; left: 0; width: 200%; height: 200%; box-sizing: border-box;
  border: 1px solid rgba(0, 0, 0, 0.2); border-radius: 16px; transform: scale(0.5); transform-origin: 0 0; }
wx-button .wxr-loading { display: inline-block; width: 1em; height: 1em; margin: -0.2em 0.34em 0 0; vertical-align: middle;
  border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; box-sizing: border-box; }
wx-image { display: inline-block; overflow: hidden; width: 320px; height: 240px;
  background-repeat: no-repeat; background-position: center; background-size: 100% 100%; }
wx-image[data-mode=aspectFit] { background-size: contain; }
wx-image[data-mode=aspectFill] { background-size: cover; }
wx-input { display: block; height: 1.4rem; min-height: 1.4rem; overflow: hidden; white-space: nowrap; text-overflow: clip; cursor: text; }
wx-input .wxr-input { display: flex; align-items: center; height: 100%; }
.wxr-placeholder { color: #808080; }
wx-icon { display: inline-block; font-size: 0; }
wx-switch { display: inline-block; vertical-align: middle; }
wx-switch .wxr-switch { position: relative; display: inline-block; width: 52px; height: 32px; box-sizing: border-box; border: 1px solid #dfdfdf; border-radius: 16px; background-color: #dfdfdf; }
wx-switch .wxr-switch::before { content: ' '; position: absolute; top: 0; left: 0; width: 50px; height: 30px; border-radius: 15px; background-color: #fdfdfd; }
wx-switch .wxr-switch::after { content: ' '; position: absolute; top: 0; left: 0; width: 30px; height: 30px; border-radius: 15px; background-color: #ffffff; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.4); }
wx-switch[data-checked] .wxr-switch { border-color: #04be02; background-color: #04be02; }
wx-switch[data-checked] .wxr-switch::before { transform: scale(0); }
wx-switch[data-checked] .wxr-switch::after { transform: translateX(20px); }
@media (prefers-color-scheme: dark) {
  wx-button { color: rgba(255, 255, 255, 0.8); background-color: rgba(255, 255, 255, 0.08); }
  wx-button[disabled] { color: rgba(255, 255, 255, 0.2); background-color: rgba(255, 255, 255, 0.08); }
  wx-button::after { border-color: rgba(255, 255, 255, 0.2); }
}
`;

/** The phone around the page (not part of it: measurements leave it out). */
function chromeCss(phone: Phone, nav: { bg: string; text: string; pageBg: string }, rootFontPx: number): string {
  return `
html { font-size: ${rootFontPx}px; -webkit-text-size-adjust: none; }
body { margin: 0; width: ${phone.width}px; height: ${phone.height}px; overflow: hidden; position: relative;
  font-family: -apple-system, 'Noto Sans CJK SC', 'Noto Sans', sans-serif; }
.wxr-status { height: ${phone.statusBar}px; display: flex; align-items: center; justify-content: space-between; padding: ${phone.statusBar > 20 ? '10px 26px 0 32px' : '0 8px'};
  box-sizing: border-box; background: ${nav.bg}; color: ${nav.text}; font: 600 ${phone.statusBar > 20 ? 15 : 12}px -apple-system, 'Noto Sans', sans-serif; }
.wxr-battery { width: 22px; height: 10px; border: 1px solid ${nav.text}; border-radius: 3px; position: relative; opacity: 0.9; }
.wxr-battery::after { content: ''; position: absolute; inset: 1px 4px 1px 1px; background: ${nav.text}; border-radius: 1px; }
.wxr-nav { height: ${NAV_BAR}px; position: relative; background: ${nav.bg}; color: ${nav.text}; }
.wxr-title { position: absolute; left: 98px; right: 98px; top: 0; line-height: ${NAV_BAR}px; text-align: center; font: 600 17px -apple-system, 'Noto Sans CJK SC', sans-serif;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wxr-back { position: absolute; left: 14px; top: 14px; width: 12px; height: 12px; border-left: 2px solid ${nav.text}; border-bottom: 2px solid ${nav.text}; transform: rotate(45deg); }
.wxr-capsule { position: absolute; right: 7px; top: 6px; width: 87px; height: 32px; box-sizing: border-box; border-radius: 16px;
  border: 0.5px solid ${nav.text === '#ffffff' ? 'rgba(255,255,255,0.25)' : 'rgba(0,0,0,0.15)'}; background: ${nav.text === '#ffffff' ? 'rgba(0,0,0,0.3)' : 'rgba(255,255,255,0.6)'};
  display: flex; align-items: center; }
.wxr-capsule span { flex: 1; text-align: center; font: 700 14px 'DejaVu Sans', sans-serif; letter-spacing: 1px; color: ${nav.text}; }
.wxr-capsule i { width: 0.5px; height: 18px; background: ${nav.text === '#ffffff' ? 'rgba(255,255,255,0.25)' : 'rgba(0,0,0,0.15)'}; }
.wxr-circle { display: inline-block; width: 14px; height: 14px; border: 2px solid ${nav.text}; border-radius: 50%; box-sizing: border-box; position: relative; top: 2px; }
.wxr-viewport { position: relative; height: ${viewportHeight(phone)}px; overflow: hidden; background: ${nav.pageBg}; }
.wxr-page { display: block; min-height: 100%; }
.wxr-home { position: absolute; left: 50%; bottom: 8px; width: 134px; height: 5px; margin-left: -67px; border-radius: 3px; background: ${nav.text}; z-index: 10; }
`;
}

function viewportHeight(phone: Phone): number {
  return phone.height - phone.statusBar - NAV_BAR;
}

const ICON_SHAPES: Record<string, { color: string; mark: string }> = {
  success: { color: '#07c160', mark: '<path d="M7 12.5l3.2 3.2L17 9" />' },
  cancel: { color: '#fa5151', mark: '<path d="M8.5 8.5l7 7M15.5 8.5l-7 7" />' },
  info: { color: '#10aeff', mark: '<path d="M12 11v6M12 7.5v.5" />' },
  warn: { color: '#fa9d3b', mark: '<path d="M12 7v6M12 16.5v.5" />' },
  waiting: { color: '#10aeff', mark: '<path d="M12 7v5.5l3.5 2" />' },
};

function icon(type: string, size: number): string {
  const shape = ICON_SHAPES[type] ?? ICON_SHAPES.info;
  return (
    `<wx-icon><svg width="${size}" height="${size}" viewBox="0 0 24 24"><circle cx="12" cy="12" r="12" fill="${shape.color}" />` +
    `<g fill="none" stroke="#ffffff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${shape.mark}</g></svg></wx-icon>`
  );
}

/** A custom component's classes, renamed as WeChat's style isolation keeps them apart from the page's. */
const scopedClass = (component: string, name: string) => `c-${component}--${name}`;

interface Scope {
  /** The custom component whose template this is; '' for the page. */
  component: string;
}

function element(node: JsonNode | string, scope: Scope): string {
  if (typeof node === 'string') return escape(node);
  const attr = (name: string) => node.attrs.find((a) => a.name === name)?.value;
  const tag = node.tagName;
  if (tag === 'wx-page-meta') return '';
  if (tag === 'wx-icon') return icon(String(attr('type') ?? ''), Number(attr('size') ?? 23));

  const isComponent = !tag.startsWith('wx-') && tag !== 'main';
  const classes = typeof attr('class') === 'string' ? String(attr('class')).split(/\s+/).filter(Boolean) : [];
  const attributes: string[] = [];
  if (classes.length) attributes.push(`class="${escape(classes.map((c) => (scope.component ? scopedClass(scope.component, c) : c)).join(' '))}"`);
  for (const name of ['id', 'type', 'size']) {
    const value = attr(name);
    if (typeof value === 'string' && value !== '') attributes.push(`${name}="${escape(value)}"`);
  }
  if (attr('disabled') === true) attributes.push('disabled');
  if (attr('ariaHidden') === true || attr('ariaHidden') === 'true') attributes.push('aria-hidden="true"');
  if (attr('ariaDisabled') === true || attr('ariaDisabled') === 'true') attributes.push('aria-disabled="true"');
  const label = attr('ariaLabel');
  if (typeof label === 'string' && label) attributes.push(`aria-label="${escape(label)}"`);
  const events = Object.values(node.event ?? {}).map((e) => e.name);
  if (events.includes('tap') || tag === 'wx-input' || (tag === 'wx-button' && attr('openType'))) attributes.push('data-tap');

  if (tag === 'main') return node.children.map((child) => element(child, scope)).join('');
  if (tag === 'wx-image') {
    attributes.push(`data-mode="${escape(String(attr('mode') ?? 'scaleToFill'))}"`);
    attributes.push(`style="background-image: url('${escape(String(attr('src') ?? ''))}')"`);
    return `<wx-image ${attributes.join(' ')}></wx-image>`;
  }
  if (tag === 'wx-switch') {
    if (attr('checked') === true) attributes.push('data-checked');
    return `<wx-switch ${attributes.join(' ')}><span class="wxr-switch"></span></wx-switch>`;
  }
  if (tag === 'wx-input') {
    const value = String(attr('value') ?? '');
    const placeholderClass = typeof attr('placeholderClass') === 'string' ? String(attr('placeholderClass')) : '';
    const scopedPlaceholder = placeholderClass && scope.component ? scopedClass(scope.component, placeholderClass) : placeholderClass;
    const inner = value ? escape(value) : `<span class="wxr-placeholder ${escape(scopedPlaceholder)}">${escape(String(attr('placeholder') ?? ''))}</span>`;
    return `<wx-input ${attributes.join(' ')}><div class="wxr-input">${inner}</div></wx-input>`;
  }
  const name = isComponent ? `c-${tag}` : tag;
  const inner = isComponent
    ? node.children.map((child) => element(child, { component: tag })).join('')
    : node.children.map((child) => element(child, scope)).join('');
  const loading = tag === 'wx-button' && attr('loading') === true ? '<span class="wxr-loading"></span>' : '';
  return `<${name}${attributes.length ? ' ' + attributes.join(' ') : ''}>${loading}${inner}</${name}>`;
}

/** WXSS as CSS for this phone: rpx, vh and env(safe-area-inset-*) resolved; `page` is the page root. */
function wxssAsCss(source: string, phone: Phone): string {
  const viewport = viewportHeight(phone);
  return source
    .replace(/(-?\d*\.?\d+)rpx/g, (_whole, value: string) => `${Number(((Number(value) * phone.width) / 750).toFixed(2))}px`)
    .replace(/(-?\d*\.?\d+)vh/g, (_whole, value: string) => `${Number(((Number(value) * viewport) / 100).toFixed(2))}px`)
    .replace(/(?:env|constant)\(safe-area-inset-bottom\)/g, `${phone.safeBottom}px`)
    .replace(/(?:env|constant)\(safe-area-inset-(?:top|left|right)\)/g, '0px')
    .replace(/(^|[\s,}])page(?=[\s.:,{[])/g, '$1.wxr-page');
}

/** Renames the classes in a component's selectors (not inside declarations or at-rule preludes). */
function scopeCss(css: string, component: string): string {
  let out = '';
  let selector = '';
  const stack: Array<'rule' | 'group'> = [];
  for (const ch of css) {
    const inRule = stack[stack.length - 1] === 'rule';
    if (inRule) {
      out += ch;
      if (ch === '}') stack.pop();
      continue;
    }
    if (ch === '{') {
      const prelude = selector.trim();
      if (prelude.startsWith('@')) {
        out += selector + ch;
        stack.push(prelude.startsWith('@media') || prelude.startsWith('@supports') ? 'group' : 'rule');
      } else {
        out += selector.replace(/\.([A-Za-z_][\w-]*)/g, (_m, name: string) => `.${scopedClass(component, name)}`) + ch;
        stack.push('rule');
      }
      selector = '';
    } else if (ch === '}') {
      out += selector + ch;
      selector = '';
      stack.pop();
    } else {
      selector += ch;
    }
  }
  return out + selector;
}

function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** The custom components a template dir uses, by tag, resolved to their folders (and theirs in turn). */
function componentDirs(dir: string, found = new Map<string, string>()): Map<string, string> {
  const json = readIfExists(join(dir, 'index.json'));
  const { usingComponents = {} } = (json ? JSON.parse(json) : {}) as { usingComponents?: Record<string, string> };
  for (const [tag, path] of Object.entries(usingComponents)) {
    const target = path.startsWith('/') ? join(MINIPROGRAM_ROOT, path) : resolve(dir, path);
    const componentDir = dirname(target);
    if (!found.has(tag)) {
      found.set(tag, componentDir);
      componentDirs(componentDir, found);
    }
  }
  return found;
}

interface Theme {
  navBgColor: string;
  navTextStyle: 'black' | 'white';
  bgColor: string;
}

function themeOf(dark: boolean): Theme {
  const themes = JSON.parse(readFileSync(join(MINIPROGRAM_ROOT, 'theme.json'), 'utf8')) as Record<'light' | 'dark', Theme>;
  return themes[dark ? 'dark' : 'light'];
}

/** The page as it shows now, inside the phone and WeChat's bars. */
export function pageHtml(page: Page, name: PageName, options: PageHtmlOptions): string {
  const { phone } = options;
  const pageDir = join(MINIPROGRAM_ROOT, 'pages', name);
  const components = componentDirs(pageDir);
  const styles = [
    wxssAsCss(readIfExists(join(MINIPROGRAM_ROOT, 'app.wxss')), phone),
    ...[...components].map(([tag, dir]) => scopeCss(wxssAsCss(readIfExists(join(dir, 'index.wxss')), phone), tag)),
    wxssAsCss(readIfExists(join(pageDir, 'index.wxss')), phone),
  ];
  const theme = themeOf(Boolean(options.dark));
  const nav = { bg: theme.navBgColor, text: theme.navTextStyle === 'white' ? '#ffffff' : '#000000', pageBg: theme.bgColor };
  const tree = element(page.toJSON() as unknown as JsonNode, { component: '' });
  const chrome = [
    `<div class="wxr-status" data-chrome><span>9:41</span><span class="wxr-battery"></span></div>`,
    `<div class="wxr-nav" data-chrome>${options.back ? '<span class="wxr-back"></span>' : ''}<div class="wxr-title">${escape(options.title)}</div>`,
    `<div class="wxr-capsule"><span>•••</span><i></i><span><span class="wxr-circle"></span></span></div></div>`,
  ].join('');
  return [
    '<!DOCTYPE html>',
    `<html lang="${/[\u4e00-\u9fff]/.test(options.title) ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">`,
    `<style>${BUILT_IN_CSS}${chromeCss(phone, nav, options.rootFontPx ?? ROOT_FONT_SIZE)}</style><style>${styles.join('\n')}</style></head>`,
    `<body data-safe-bottom="${phone.safeBottom}">${chrome}<div class="wxr-viewport"><div class="wxr-page">${tree}</div></div>`,
    phone.safeBottom > 0 ? '<div class="wxr-home" data-chrome></div>' : '',
    '</body></html>',
  ].join('\n');
}
