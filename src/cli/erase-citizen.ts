import { eraseCitizen } from '../citizens/erase.js';
import { AppError } from '../errors.js';
import { operatorConfig, operatorDatabase } from './operator-database.js';
import { t } from '../i18n/index.js';

/**
 * `ventanilla erase-citizen <id> --yes`: the same erasure as the admin's console action, for the
 * server's operator (on the embedded database the server must be stopped: it holds the data
 * folder). Without `--yes` it only says how to confirm, so a mistyped line erases nobody.
 */
export async function runEraseCitizen(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
  /** The environment to configure from; the process's own when not given (tests pass theirs). */
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const config = operatorConfig(err, env);
  if (!config) return 1;
  const { locale } = config;
  const positional = args.filter((arg) => !arg.startsWith('--'));
  const id = Number(positional[0]);
  if (positional.length !== 1 || !Number.isSafeInteger(id) || id <= 0) {
    err(t(locale, 'cli.erase.usage'));
    return 2;
  }
  if (!args.includes('--yes')) {
    err(t(locale, 'cli.erase.confirm', { id }));
    return 2;
  }
  const database = await operatorDatabase(config, err);
  if (!database) return 1;
  try {
    const result = await eraseCitizen(database.db, { citizenId: id, staffUserId: null, ip: null, locale, now: new Date() });
    out(
      t(locale, result.alreadyErased ? 'cli.erase.again' : 'cli.erase.done', {
        id,
        cases: result.cases,
        messages: result.messages,
        attachments: result.attachments,
      }),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 404) throw error;
    err(t(locale, 'error.citizen_not_found'));
    return 1;
  } finally {
    await database.close();
  }
}
