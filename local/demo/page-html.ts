/**
 * A simulated page as a plain HTML document a browser can screenshot: the WXML tree rendered now
 * (from miniprogram-simulate's toJSON) as HTML elements, and the app's, page's and components'
 * WXSS with rpx turned into px for the given screen width.
 */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { MINIPROGRAM_ROOT, type Page, type PageName } from './simulator';

interface JsonNode {
  tagName: string;
  attrs: Array<{ name: string; value: unknown }>;
  children: Array<JsonNode | string>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ESCAPES[ch]);

/** WeChat's built-in look for what WXSS does not style: buttons (style v2), icons, the navigation bar. */
const BUILT_IN_CSS = `
body { margin: 0; min-height: 100vh; }
.nav { height: 44px; line-height: 44px; text-align: center; font-size: 17px; font-weight: 600; background: #ffffff; color: #000000; }
button { display: block; box-sizing: border-box; width: 184px; margin: 0 auto; padding: 12px 24px; border: 0; border-radius: 8px;
  font: inherit; font-size: 17px; font-weight: 700; line-height: 1.41; color: #06ae56; background: #f2f2f2; }
button[type='primary'] { color: #ffffff; }
button[disabled] { color: rgba(0, 0, 0, 0.18); background: #f2f2f2; }
.icon { display: inline-block; }
`;

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
    `<svg class="icon" width="${size}" height="${size}" viewBox="0 0 24 24"><circle cx="12" cy="12" r="12" fill="${shape.color}" />` +
    `<g fill="none" stroke="#ffffff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${shape.mark}</g></svg>`
  );
}

function element(node: JsonNode | string): string {
  if (typeof node === 'string') return escape(node);
  const attr = (name: string) => node.attrs.find((a) => a.name === name)?.value;
  if (node.tagName === 'wx-icon') return icon(String(attr('type') ?? ''), Number(attr('size') ?? 23));
  const tag = node.tagName === 'wx-text' ? 'span' : node.tagName === 'wx-button' ? 'button' : 'div';
  const attributes = ['class', 'id']
    .filter((name) => typeof attr(name) === 'string' && attr(name) !== '')
    .map((name) => ` ${name}="${escape(String(attr(name)))}"`);
  if (tag === 'button') {
    if (attr('type')) attributes.push(` type="${escape(String(attr('type')))}"`);
    if (attr('disabled') === true) attributes.push(' disabled');
  }
  return `<${tag}${attributes.join('')}>${node.children.map(element).join('')}</${tag}>`;
}

function wxssAsCss(file: string, screenWidth: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8')
    .replace(/(-?\d*\.?\d+)rpx/g, (_whole, value: string) => `${Number(((Number(value) * screenWidth) / 750).toFixed(2))}px`)
    .replace(/(^|[\s,}])page(?=\s*[{,])/g, '$1body');
}

/** The page as it shows now, under a navigation bar with `title`. */
export function pageHtml(page: Page, name: PageName, options: { title: string; screenWidth: number }): string {
  const pageDir = join(MINIPROGRAM_ROOT, 'pages', name);
  const { usingComponents = {} } = JSON.parse(readFileSync(join(pageDir, 'index.json'), 'utf8')) as { usingComponents?: Record<string, string> };
  const styles = [
    join(MINIPROGRAM_ROOT, 'app.wxss'),
    ...Object.values(usingComponents).map((path) => `${path.startsWith('/') ? join(MINIPROGRAM_ROOT, path) : resolve(pageDir, path)}.wxss`),
    join(pageDir, 'index.wxss'),
  ].map((file) => wxssAsCss(file, options.screenWidth));
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><style>${BUILT_IN_CSS}${styles.join('\n')}</style></head>`,
    `<body><div class="nav">${escape(options.title)}</div>${element(page.toJSON() as unknown as JsonNode)}</body></html>`,
  ].join('\n');
}
