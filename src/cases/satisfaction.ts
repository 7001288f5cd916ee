import { and, desc, eq, gte, isNull } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { cases, caseSurveys, categories, departments } from '../db/schema.js';
import { t, type Locale } from '../i18n/index.js';
import { defaultLanguagePack, languagePack, type LanguagePack } from '../language/language-pack.js';
import { matchesAny } from '../language/match.js';
import { normalizeText } from '../language/normalize-text.js';
import { dueDateFor, type CaseTerms } from './deadlines.js';
import { recordCaseEvent } from './events.js';
import { formatDueDate } from './follow-up/dates.js';

export type SurveyAnswer = { solved: true; rating: number } | { solved: false; rating: null };

/** How long after the question a rating is still taken as its answer (reopening has its own, shorter, limit). */
const ANSWER_WINDOW_MS = 30 * 86_400_000;

/**
 * Reads an answer to "¿Se resolvió tu caso?": a button ("survey:4", "survey:unsolved"), a digit
 * 1–5 ("4", "4 estrellas", "le doy un 5"), or, in the pack's language, "no se resolvió" / "not
 * solved" / "no". Anything else is not an answer and goes to the dialog as usual.
 */
export function parseSurveyAnswer(text: string, choice?: string, pack: LanguagePack = defaultLanguagePack()): SurveyAnswer | null {
  if (choice === 'survey:unsolved') return { solved: false, rating: null };
  const picked = /^survey:([1-5])$/.exec(choice ?? '');
  if (picked) return { solved: true, rating: Number(picked[1]) };
  const normalized = normalizeText(text).trim();
  const first = normalized.split(' ')[0] ?? '';
  if (pack.survey.unsolvedOpeners.includes(first) || matchesAny(normalized, pack.survey.unsolved)) return { solved: false, rating: null };
  const digits = normalized.match(/\b([1-5])\b/g);
  if (digits && digits.length === 1 && normalized.length <= 40) return { solved: true, rating: Number(digits[0]) };
  return null;
}

export interface SurveySettings {
  terms: CaseTerms;
  locale: Locale;
}

/**
 * If the conversation has a satisfaction question waiting and the message answers it, records
 * the answer on the case (and reopens it when "no se resolvió" comes in time) and returns what to
 * tell the citizen. Returns null when the message is not a survey answer.
 */
export async function answerPendingSurvey(
  tx: Tx,
  conversationId: string,
  message: { text: string; choice?: string | undefined },
  now: Date,
  settings: SurveySettings,
): Promise<string | null> {
  // Most messages are not ratings: those never need the survey looked up.
  const answer = parseSurveyAnswer(message.text, message.choice, languagePack(settings.locale));
  if (!answer) return null;
  const [survey] = await tx
    .select()
    .from(caseSurveys)
    .where(
      and(
        eq(caseSurveys.conversationId, conversationId),
        isNull(caseSurveys.answeredAt),
        gte(caseSurveys.sentAt, new Date(now.getTime() - ANSWER_WINDOW_MS)),
      ),
    )
    .orderBy(desc(caseSurveys.id))
    .limit(1);
  if (!survey) return null;
  const { locale } = settings;
  await tx.update(caseSurveys).set({ solved: answer.solved, rating: answer.rating, answeredAt: now }).where(eq(caseSurveys.id, survey.id));
  const [current] = await tx.select().from(cases).where(eq(cases.id, survey.caseId)).for('update').limit(1);
  if (!current) return null;
  await recordCaseEvent(tx, current.id, 'case.survey_answered', { kind: 'citizen' }, { solved: answer.solved, rating: answer.rating }, now);
  if (answer.solved) return t(locale, 'follow_up.survey.thanks');

  const days = settings.terms.policy.survey.reopenWithinDays;
  if (now > survey.reopenUntil || current.status !== 'cerrado')
    return t(locale, 'follow_up.survey.too_late', { folio: current.folio, dias: days });
  const [category] = await tx.select().from(categories).where(eq(categories.id, current.categoryId)).limit(1);
  const { dueAt } = dueDateFor(
    settings.terms,
    {
      type: current.type,
      categoryCode: category?.code ?? '',
      categoryDueDays: category?.dueDays ?? null,
      categoryDueUnit: category?.dueUnit ?? null,
    },
    now,
  );
  await tx.update(cases).set({ status: 'en_seguimiento', closedAt: null, dueAt, updatedAt: now }).where(eq(cases.id, current.id));
  await recordCaseEvent(
    tx,
    current.id,
    'case.reopened',
    { kind: 'citizen' },
    { reason: 'survey_unsolved', fromStatus: current.status, dueAt: dueAt.toISOString() },
    now,
  );
  const [department] = await tx
    .select({ name: departments.name })
    .from(departments)
    .where(eq(departments.id, current.departmentId))
    .limit(1);
  return t(locale, 'follow_up.survey.reopened', {
    folio: current.folio,
    dependencia: department?.name ?? '',
    fecha: formatDueDate(dueAt, settings.terms.calendar.timeZone, locale),
  });
}
