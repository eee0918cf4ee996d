import fs from 'node:fs';

import { expect, test } from 'vitest';

import { ENGLISH_CATALOG, extractKeys } from '../../console/i18n-keys.mjs';

const catalog = JSON.parse(fs.readFileSync(ENGLISH_CATALOG, 'utf8')) as Record<string, string>;
const { keys, nonLiteral } = extractKeys();

test('i18n.t keys are string literals', () => {
  expect(nonLiteral).toEqual([]);
});

test('English catalog lists every key', () => {
  const missing = keys.filter((key) => !(key in catalog));
  expect(missing, 'run: node console/i18n-keys.mjs --write').toEqual([]);
});

test('English catalog has no unused keys', () => {
  const unused = Object.keys(catalog).filter((key) => !keys.includes(key));
  expect(unused, 'run: node console/i18n-keys.mjs --write').toEqual([]);
});

test('English catalog values are not empty', () => {
  const empty = Object.entries(catalog).filter(([, value]) => value.trim() === '');
  expect(empty).toEqual([]);
});
