import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDialogScript, parseDialogScript, ScriptError } from '../../src/dialogs/script-schema.js';
import { sourceAsset } from '../../src/paths.js';
import { readFileSync } from 'node:fs';

/**
 * A municipality edits its dialog script by hand: whatever the file holds, loading it ends in a
 * script or in a ScriptError whose lines name the wrong field ("  messages.greeting: …"), never
 * in another exception the operator cannot act on.
 */

const defaults = (locale: 'es' | 'en') =>
  JSON.parse(readFileSync(sourceAsset('dialogs', 'scripts', `default.${locale}.json`), 'utf8')) as Record<string, unknown>;

/** The paths the error names, one per issue line. */
function issuePaths(error: ScriptError): string[] {
  return error.message
    .split('\n')
    .slice(1)
    .map((line) => /^ {2}(.*?): /.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
}

function loadsOrNamesTheField(json: unknown): ReturnType<typeof parseDialogScript> | string[] {
  try {
    return parseDialogScript(json, 'municipio.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ScriptError);
    const message = (error as ScriptError).message;
    expect(message).toContain('dialog script municipio.json is not valid');
    const paths = issuePaths(error as ScriptError);
    expect(paths.length).toBeGreaterThan(0);
    return paths;
  }
}

/** Every path into a JSON value, as the segments zod reports. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, [...prefix, i]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`) || a === '(root)' || b === '';

const tmp = mkdtempSync(join(tmpdir(), 'ventanilla-script-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loading a dialog script under arbitrary input', () => {
  it('loads the default scripts', () => {
    expect(parseDialogScript(defaults('es'), 'es').locale).toBe('es');
    expect(parseDialogScript(defaults('en'), 'en').locale).toBe('en');
  });

  it('gives a ScriptError naming a path, never a crash, for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => {
        loadsOrNamesTheField(json);
      }),
      { numRuns: 300 },
    );
  });

  it('for arbitrary JSON dressed as a script (version and locale set), names the fields that are wrong', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), fc.constantFrom('es', 'en', 'fr'), (json, locale) => {
        loadsOrNamesTheField({ ...json, version: 1, locale });
      }),
      { numRuns: 300 },
    );
  });

  it('for one field of the default script changed or removed, loads or names that field', () => {
    const script = defaults('es');
    const paths = pathsOf(script);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constant(''), fc.constant('x'.repeat(2001))),
        (path, value) => {
          const result = loadsOrNamesTheField(setAt(script, path, value));
          if (!Array.isArray(result)) return;
          const changed = path.join('.');
          expect(
            result.some((named) => related(named, changed) || related(named, path.slice(0, 1).join('.'))),
            `${changed} → ${result.join(', ')}`,
          ).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads any file as a script or a ScriptError, even bytes that are not JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
        ),
        (data) => {
          const file = join(tmp, 'script.json');
          writeFileSync(file, data);
          try {
            loadDialogScript(file, 'es');
          } catch (error) {
            expect(error).toBeInstanceOf(ScriptError);
            expect((error as Error).message).toContain(file);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
