import { eq } from 'drizzle-orm';
import { callbacks } from '../../db/schema.js';
import { t } from '../../i18n/index.js';
import type { JobHandler } from '../../queue/job.js';
import { CALLBACK_MESSAGE_JOB, lockCallback, requestCallback } from '../callbacks.js';
import { recordCaseEvent } from '../events.js';
import { followUpCitizen, sendSms, smsNumber } from './citizen-message.js';
import { reaction, type FollowUpDeps } from './follow-up.js';

/** An answer that must be given by phone opens a callback by itself. */
export const callbackForPendingContact = reaction({
  name: 'callback for an answer pending contact',
  on: ['case.answer_pending_contact'],
  async run(tx, _event, current, deps, now) {
    if (current.status === 'no_procede') return;
    await requestCallback(tx, null, current.id, 'answer_pending_contact', now, deps.calendar);
  },
});

/**
 * After three failed calls the citizen is asked to call back. The phone centre's rule is an SMS,
 * so with SMS configured it goes by SMS to the number that was called; otherwise on their channel
 * or by email when Ventanilla can write to them; failing all, it stays a task ("enviar SMS") for
 * the operators, who mark it done once sent (`markCallbackMessageSent`).
 */
export function callbackMessageJob(deps: FollowUpDeps): JobHandler {
  return async (job, context) => {
    const callbackId = Number(job.payload.callbackId);
    await context.db.transaction(async (tx) => {
      const locked = await lockCallback(tx, null, callbackId);
      if (locked && locked.callback.status === 'open' && locked.callback.nextAction === 'send_message') {
        const { callback, case: current } = locked;
        const mobile = smsNumber(callback.phone, deps.channels);
        const text = t(deps.locale, mobile ? 'callback.ask_to_call_sms' : 'callback.ask_to_call', {
          folio: current.folio,
          municipio: deps.municipalityName,
        });
        const sent = mobile
          ? await sendSms(tx, current, { text, author: 'system' }, mobile)
          : await followUpCitizen(tx, current, { text, author: 'system' }, deps.channels);
        if (sent.kind === 'sent') {
          await tx
            .update(callbacks)
            .set({ status: 'closed', nextAction: 'none', nextActionAt: null, updatedAt: context.now })
            .where(eq(callbacks.id, callbackId));
          await recordCaseEvent(
            tx,
            current.id,
            'callback.action_taken',
            { kind: 'system' },
            { callbackId, action: 'send_message', channel: sent.channel, messageId: sent.messageId },
            context.now,
          );
        } else {
          await recordCaseEvent(
            tx,
            current.id,
            'callback.action_taken',
            { kind: 'system' },
            { callbackId, action: 'send_message', manual: true, phone: callback.phone, text },
            context.now,
          );
        }
      }
      await context.finish(tx);
    });
  };
}

export { CALLBACK_MESSAGE_JOB };
