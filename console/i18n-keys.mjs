// Finds the i18n.t('...') keys in the console source and, with --write,
// rewrites the English catalog from them. The console test checks that the
// catalog and the source agree.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const consoleDir = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.join(consoleDir, 'src');
export const ENGLISH_CATALOG = path.join(SOURCE_DIR, 'locales', 'en.json');

const CALL = /i18n\.t\(\s*/g;
const SINGLE_QUOTED = /^'((?:[^'\\\n]|\\.)*)'/;

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function unescape(literal) {
  return literal.replace(/\\(.)/g, '$1');
}

/**
 * Returns the sorted unique keys and the places where i18n.t is called with
 * something other than a single-quoted literal, which no catalog can list.
 */
export function extractKeys(dir = SOURCE_DIR) {
  const keys = new Set();
  const nonLiteral = [];
  for (const file of sourceFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(CALL)) {
      const rest = text.slice(match.index + match[0].length);
      const literal = SINGLE_QUOTED.exec(rest);
      if (literal) {
        keys.add(unescape(literal[1]));
      } else {
        const line = text.slice(0, match.index).split('\n').length;
        nonLiteral.push(`${path.relative(consoleDir, file)}:${line}`);
      }
    }
  }
  return { keys: [...keys].sort(), nonLiteral };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { keys, nonLiteral } = extractKeys();
  if (nonLiteral.length > 0) {
    console.error(`i18n.t needs a single-quoted string key at: ${nonLiteral.join(', ')}`);
    process.exit(1);
  }
  if (process.argv.includes('--write')) {
    const catalog = Object.fromEntries(keys.map((key) => [key, key]));
    fs.writeFileSync(ENGLISH_CATALOG, `${JSON.stringify(catalog, null, 2)}\n`);
    console.log(`wrote ${keys.length} keys to ${path.relative(process.cwd(), ENGLISH_CATALOG)}`);
  } else {
    console.log(keys.join('\n'));
  }
}
