/**
 * The one template syntax of every catalogue and script: `{name}` placeholders, and ICU-style plurals
 * `{n, plural, one {# caso} other {# casos}}` where `#` is the number. A count that reaches a noun goes
 * through a plural so that «1 casos» cannot be written; the category comes from `Intl.PluralRules`,
 * so Spanish's `many` (a million) falls back to `other` and each language keeps its own rules.
 * console/lib.js repeats this in the browser, where this module cannot be imported; keep the two alike.
 */

const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{(?:[^{}]|\{\w+\})*\})+)\s*\}/g;
const BRANCH = /(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;

const rules = new Map<string, Intl.PluralRules>();
function pluralRules(locale: string): Intl.PluralRules {
  let r = rules.get(locale);
  if (!r) {
    r = new Intl.PluralRules(locale);
    rules.set(locale, r);
  }
  return r;
}

/** The plural branch for `value`: an exact `=n` first, then the language's category, then `other`. */
export function selectPlural(locale: string, value: string | number, branches: Readonly<Record<string, string>>): string {
  const n = typeof value === 'number' ? value : Number(value);
  // A number already formatted for display ("1,5", "1 000") is not read back: `other` suits it.
  if (!Number.isFinite(n)) return branches.other ?? '';
  return branches[`=${n}`] ?? branches[pluralRules(locale).select(n)] ?? branches.other ?? '';
}

/** Fills plurals, then `{name}` placeholders; unknown placeholders stay visible so a typo shows up in review. */
export function formatMessage(template: string, params: Record<string, string | number> = {}, locale = 'es'): string {
  const withPlurals = template.replace(PLURAL, (whole, name: string, body: string) => {
    if (!(name in params)) return whole;
    const branches: Record<string, string> = {};
    for (const [, category, text] of body.matchAll(BRANCH)) branches[category!] = text!;
    return selectPlural(locale, params[name]!, branches).replace(/#/g, String(params[name]));
  });
  return withPlurals.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
