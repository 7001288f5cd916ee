import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

/**
 * The layering of ADR 0011, kept by dependency-cruiser with the rules in .dependency-cruiser.cjs:
 * the tree must break none, and a small fixture tree that breaks each one shows each one bites.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { forbidden: IForbiddenRuleType[] };

async function violations(baseDir: string): Promise<string[]> {
  const result = await cruise(
    ['src'],
    {
      baseDir,
      ruleSet: { forbidden: config.forbidden },
      validate: true,
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '\\.json$' },
    },
    { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
  );
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('layering', () => {
  it('the source tree breaks no rule: channels only enter the pipeline, cases know no transport, the queue no domain, no cycles', async () => {
    expect(await violations(root)).toEqual([]);
  });

  it('each rule catches the import it forbids', async () => {
    const found = await violations(fileURLToPath(new URL('./fixtures', import.meta.url)));
    const rules = new Set(found.map((line) => line.split(':')[0]));
    for (const rule of [
      'no-cycles',
      'channels-only-enter-the-pipeline',
      'channels-do-not-know-each-other',
      'cases-know-no-transport',
      'queue-knows-no-domain',
      'outbox-reaches-no-case',
      'messages-are-the-contract',
      'dialog-engine-is-pure',
      'storage-is-the-bottom',
      'places-are-a-low-layer',
      'vocabularies-are-leaves',
      'only-the-composition-root-knows-http',
    ]) {
      expect(rules, `${rule} caught nothing in:\n${found.join('\n')}`).toContain(rule);
    }
    expect(found).toContain('cases-know-no-transport: src/cases/uses-channel.ts → src/channels/email/sender.ts');
    expect(found).toContain('channels-do-not-know-each-other: src/channels/email/uses-case.ts → src/channels/telegram/poll.ts');
    expect(found).toContain('vocabularies-are-leaves: src/cases/case-type.ts → src/cases/domain.ts');
  });
});
