import { eq } from 'drizzle-orm';
import { answerPendingSurvey } from '../cases/satisfaction.js';
import { findCaseByFolio, openCasesOfCitizen } from '../cases/queries.js';
import type { Tx } from '../db/client.js';
import { conversations, type Conversation, type Message } from '../db/schema.js';
import { resumeAfterFolio, startConversation, step, type StepContext, type StepResult } from '../dialogs/engine.js';
import { caseOpenedReply, openCasesReply, statusReply, type CaseFacts, type ReplyContext } from '../dialogs/replies.js';
import type { DialogScript } from '../dialogs/script-schema.js';
import { initialState, parseDialogState } from '../dialogs/state.js';
import type { InboundMessage } from '../messages/inbound.js';
import type { OutboundMessageInput } from '../messages/outbound.js';
import { t } from '../i18n/index.js';
import { recordAttention } from '../understanding/attention-log.js';
import { recordLabelledExample } from '../understanding/labelled-examples.js';
import { enqueueReplies, flagEmergency, openCaseFor } from './effects.js';
import { recordConversationEvent } from './events.js';
import type { ConversationSettings } from './settings.js';

export interface ChatTurn {
  tx: Tx;
  script: DialogScript;
  settings: ConversationSettings;
  ctx: StepContext;
  conversation: Conversation;
  /** The conversation began with this message: the greeting goes first. */
  created: boolean;
  stored: Message;
  inbound: InboundMessage;
  at: Date;
  /** The replies go back in the caller's response (the web chat's): no delivery job is written. */
  deliveredInline: boolean;
}

/**
 * A chat message's turn: a survey answer is the case's, otherwise the engine steps the dialog and
 * its effects (open a case, look one up, hand over to a person) are applied.
 */
export async function takeChatTurn(turn: ChatTurn): Promise<Message[]> {
  const { tx, script, settings, conversation, stored, inbound, at } = turn;
  // The answer to "¿se resolvió tu caso?" is the case's, not the dialog's (issue 8).
  if (conversation.status === 'bot' && settings.terms) {
    const answer = await answerPendingSurvey(tx, conversation.id, { text: inbound.text, choice: inbound.choice }, at, {
      terms: settings.terms,
      locale: settings.locale,
    });
    if (answer !== null) {
      await tx.update(conversations).set({ lastInboundAt: at, updatedAt: at }).where(eq(conversations.id, conversation.id));
      return enqueueReplies(tx, conversation, [{ text: answer }], stored.id, undefined, turn.deliveredInline);
    }
  }

  // A citizen writing again after staff closed the conversation starts over with the bot.
  if (conversation.status === 'closed') {
    conversation.status = 'bot';
    conversation.dialogState = initialState();
    await recordConversationEvent(tx, conversation.id, 'conversation.reopened', { messageId: stored.id });
  }
  const ctx: StepContext = { ...turn.ctx, conversationStatus: conversation.status, knownPhone: inbound.senderPhone };
  const photos = inbound.attachments.filter((a) => a.kind === 'photo').length;
  const result = step(
    script,
    parseDialogState(conversation.dialogState),
    {
      text: inbound.text,
      choice: inbound.choice,
      location: inbound.location,
      contact: inbound.contact,
      photos,
      otherAttachments: inbound.attachments.length - photos,
    },
    ctx,
  );
  if (turn.created) {
    const greeting = startConversation(script, ctx).replies[0]!.text;
    // A new conversation is greeted first, unless the citizen is in danger: the emergency number comes before anything.
    if (!result.replies.some((r) => r.text === greeting))
      result.replies.splice(result.effects.some((e) => e.kind === 'emergency') ? 1 : 0, 0, { text: greeting });
  }

  const { replies, caseId, status } = await applyEffects(turn, result, ctx);
  // The conversation's new state travels with the replies, in one statement (openCaseFor has already linked the message to its case).
  const newState = tx
    .update(conversations)
    .set({ dialogState: result.state, status, lastInboundAt: at, updatedAt: at })
    .where(eq(conversations.id, conversation.id));
  return enqueueReplies(tx, conversation, replies, stored.id, caseId, turn.deliveredInline, newState);
}

async function applyEffects(turn: ChatTurn, result: StepResult, ctx: StepContext) {
  const { tx, script, settings, conversation, stored: inbound, at } = turn;
  const replies: OutboundMessageInput[] = [...result.replies];
  const state = result.state;
  let status = conversation.status;
  let caseId: number | undefined;
  const replyCtx: ReplyContext = {
    vars: ctx.vars,
    withinBusinessHours: ctx.withinBusinessHours,
    timeZone: settings.timeZone,
    publicUrl: settings.publicUrl,
  };
  const attention = { conversationId: conversation.id, channel: conversation.channel, at };
  for (const effect of result.effects) {
    switch (effect.kind) {
      case 'open_case': {
        const opened = await openCaseFor(tx, conversation, inbound, effect.draft, settings, at);
        caseId = opened.case.id;
        state.lastFolio = opened.case.folio;
        replies.push(
          caseOpenedReply(script, replyCtx, {
            folio: opened.case.folio,
            type: opened.case.type,
            status: opened.case.status,
            categoryName: opened.categoryName,
            departmentName: opened.departmentName,
            dueAt: opened.case.dueAt,
          }),
        );
        // Another report of the same problem was already open: the citizen is told they are not alone.
        if (opened.cluster)
          replies.push({
            text: t(settings.locale, 'case.cluster_joined_notice', { folio: opened.case.folio, parentFolio: opened.cluster.parentFolio }),
          });
        break;
      }
      case 'lookup_status': {
        const found = await findCaseByFolio(tx, effect.folio);
        replies.push(statusReply(script, replyCtx, effect.folio, found && caseFacts(found)));
        if (found) state.lastFolio = found.folio;
        await recordAttention(tx, { ...attention, kind: 'status_lookup', detail: found ? 'found' : 'not_found', caseId: found?.id });
        break;
      }
      case 'lookup_open_cases': {
        const open = await openCasesOfCitizen(tx, conversation.citizenId);
        replies.push(openCasesReply(script, replyCtx, open.map(caseFacts)));
        // Listed: the conversation goes back to where it was; none: it waits for the folio it asked for.
        if (open.length > 0) resumeAfterFolio(state);
        await recordAttention(tx, { ...attention, kind: 'status_lookup', detail: open.length > 0 ? 'found' : 'not_found' });
        break;
      }
      case 'emergency':
        await flagEmergency(tx, conversation.id, inbound.id, at);
        break;
      case 'escalate':
        if (status === 'bot') {
          status = 'waiting_agent';
          await recordConversationEvent(tx, conversation.id, 'conversation.escalated', { reason: effect.reason, messageId: inbound.id });
          await recordAttention(tx, { ...attention, kind: 'handed_to_person', detail: effect.reason });
        }
        break;
      case 'catalogue_answered':
        await recordAttention(tx, { ...attention, kind: 'information_answered', detail: effect.procedureId });
        break;
      case 'label_chosen':
        await recordLabelledExample(tx, {
          ...effect,
          conversationId: conversation.id,
          messageId: inbound.id,
          channel: conversation.channel,
          at,
        });
        break;
      case 'return_to_bot':
        status = 'bot';
        await recordConversationEvent(tx, conversation.id, 'conversation.returned_to_bot', { messageId: inbound.id });
        break;
    }
  }
  return { replies, caseId, status };
}

function caseFacts(found: Awaited<ReturnType<typeof findCaseByFolio>> & object): CaseFacts {
  return {
    folio: found.folio,
    type: found.type,
    status: found.status,
    categoryName: found.category.name,
    departmentName: found.department.name,
    dueAt: found.dueAt,
  };
}
