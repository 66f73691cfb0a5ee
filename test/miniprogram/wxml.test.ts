import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MINIPROGRAM_ROOT } from './helpers';

/** The official compilers miniprogram-simulate uses (wcc for WXML, wcsc for WXSS). */
interface Compiler {
  wxmlToJs(rootPath: string, options?: { wxmlList?: string[] }): string;
  wxssToJs(rootPath: string, options?: { wxssList?: string[] }): string;
}
const nodeRequire = require as unknown as NodeRequire;
const simulateDir = path.dirname(nodeRequire.resolve('miniprogram-simulate/package.json'));
const compiler: Compiler = nodeRequire(nodeRequire.resolve('miniprogram-compiler', { paths: [simulateDir] }));

function filesUnder(root: string, extension: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && entry.name.endsWith(extension)) found.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}

/** Compiles every .wxml under root, alone and then together; returns the errors by file. */
function compileAllWxml(root: string): Record<string, string> {
  const errors: Record<string, string> = {};
  const files = filesUnder(root, '.wxml');
  for (const file of files) {
    try {
      compiler.wxmlToJs(root, { wxmlList: [file] });
    } catch (error) {
      errors[file] = (error as Error).message;
    }
  }
  if (Object.keys(errors).length === 0) {
    try {
      compiler.wxmlToJs(root, { wxmlList: files });
    } catch (error) {
      errors['*'] = (error as Error).message;
    }
  }
  return errors;
}

const wxmlFiles = filesUnder(MINIPROGRAM_ROOT, '.wxml');

test('finds every page and component template', () => {
  expect(wxmlFiles).toEqual(
    expect.arrayContaining([
      'pages/pay/index.wxml',
      'pages/result/index.wxml',
      'pages/history/index.wxml',
      'pages/merchant/index.wxml',
      'pages/refund/index.wxml',
      'pages/collect/index.wxml',
      'pages/qr/index.wxml',
      'components/keypad/index.wxml',
      'components/order-item/index.wxml',
      'components/order-details/index.wxml',
    ]),
  );
});

test('every .wxml under miniprogram/ compiles with the official wcc', () => {
  expect(compileAllWxml(MINIPROGRAM_ROOT)).toEqual({});
});

test('every .wxss under miniprogram/ compiles with the official wcsc', () => {
  expect(() => compiler.wxssToJs(MINIPROGRAM_ROOT, { wxssList: filesUnder(MINIPROGRAM_ROOT, '.wxss') })).not.toThrow();
});

describe('the check itself', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wxml-check-'));
    fs.mkdirSync(path.join(root, 'pages', 'ok'), { recursive: true });
    fs.mkdirSync(path.join(root, 'pages', 'broken'), { recursive: true });
    fs.writeFileSync(path.join(root, 'pages', 'ok', 'index.wxml'), '<view wx:if="{{a}}">{{a}}</view>');
    fs.writeFileSync(path.join(root, 'pages', 'broken', 'index.wxml'), '<view><text>{{a}}</view>');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('one broken file fails it, and is named', () => {
    const errors = compileAllWxml(root);
    expect(Object.keys(errors)).toEqual(['pages/broken/index.wxml']);
    expect(errors['pages/broken/index.wxml']).toMatch(/text/);
  });

  test('compiling the whole tree at once fails too', () => {
    expect(() => compiler.wxmlToJs(root)).toThrow(/broken\/index\.wxml/);
  });
});
