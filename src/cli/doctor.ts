import { type Config, ConfigError, loadConfig } from '../config.js';
import { type CheckResult, configResults, formatResult, hasFailure, runChecks } from '../doctor/checks.js';
import { t } from '../i18n/index.js';

/**
 * `ventanilla doctor`: the configuration, then every configured channel, the database and the
 * disk, one line each (✔, ⚠ or ✖ with the fix). Exits 1 when anything failed, so a deploy script
 * or a monitoring timer can run it; warnings alone exit 0.
 */
export async function runDoctor(
  out: (line: string) => void,
  /** The environment to configure from; the process's own when not given (tests pass theirs). */
  env?: NodeJS.ProcessEnv,
  options: { timeoutMs?: number } = {},
): Promise<number> {
  let config: Readonly<Config>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out(t('es', 'doctor.title'));
    for (const result of configResults('es', error.issues)) out(formatResult(result));
    out(t('es', 'console.doctor.summary_fail', { n: error.issues.length }));
    return 1;
  }
  out(t(config.locale, 'doctor.title'));
  const results: CheckResult[] = [...configResults(config.locale, []), ...(await runChecks(config, options))];
  for (const result of results) out(formatResult(result));
  out(summary(config.locale, results));
  return hasFailure(results) ? 1 : 0;
}

function summary(locale: Config['locale'], results: readonly CheckResult[]): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  if (failed > 0) return t(locale, 'console.doctor.summary_fail', { n: failed });
  if (warned > 0) return t(locale, 'console.doctor.summary_warn', { n: warned });
  return t(locale, 'console.doctor.summary_ok');
}
