import type { OutboundMessage, PromptOption } from '../../messages/outbound.js';
import type { GraphMessage } from './client.js';
import type { WhatsAppTemplate } from '../../messages/templates.js';

/** WhatsApp's limits (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages and …/interactive-list-messages). */
export const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  listButton: 20,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  /** Kept well under the body's 1,024 so the template's own words fit around it. */
  templateParameter: 700,
} as const;

/** Words the renderer adds around the dialog's own (from the i18n catalogue). */
export interface RenderLabels {
  /** The list's open button, e.g. "Ver opciones". */
  listButton: string;
  /** The body of an interactive message whose text went ahead on its own, e.g. "Elige una opción:". */
  chooseOption: string;
  /** After a numbered list of options, e.g. "Responde con el número de tu opción." */
  answerWithNumber: string;
}

/**
 * A dialog message → the Cloud API messages that say it: reply buttons for up to three
 * options, a list for up to ten, numbered text beyond; a location request when a place is asked
 * for; text over 4,096 characters in several parts.
 */
export function renderCloudMessages(message: OutboundMessage, labels: RenderLabels): GraphMessage[] {
  const prompt = message.prompt;
  const options = prompt?.options ?? [];
  if (options.length > 0 && options.length <= LIMITS.listRows) {
    const { lead, body } = interactiveBody(message.text, labels);
    const interactive = options.length <= LIMITS.buttons ? buttons(body, options) : list(body, options, labels);
    return [...lead.map(textMessage), interactive];
  }
  if (options.length > LIMITS.listRows) {
    const numbered = options.map((option, index) => `${index + 1}. ${option.label}`).join('\n');
    return splitText(`${message.text}\n\n${numbered}\n\n${labels.answerWithNumber}`).map(textMessage);
  }
  if (prompt?.kind === 'location') {
    const { lead, body } = interactiveBody(message.text, labels);
    return [
      ...lead.map(textMessage),
      { type: 'interactive', interactive: { type: 'location_request_message', body: { text: body }, action: { name: 'send_location' } } },
    ];
  }
  return splitText(message.text).map(textMessage);
}

/** The notice as the configured template, its text flattened to what a template parameter allows. */
export function renderTemplate(message: OutboundMessage, template: WhatsAppTemplate): GraphMessage {
  const parameters = template.parameters.map(() => ({ type: 'text', text: templateParameter(message.text) }));
  return {
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      ...(parameters.length > 0 ? { components: [{ type: 'body', parameters }] } : {}),
    },
  };
}

/** Template parameters may not hold line breaks, tabs or more than four spaces in a row. */
export function templateParameter(text: string): string {
  const flat = text
    .split(/\n+/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' · ');
  return truncate(flat, LIMITS.templateParameter);
}

function textMessage(body: string): GraphMessage {
  return { type: 'text', text: { body, preview_url: false } };
}

/** The Cloud API's interactive message: reply buttons or a list, with the body text above them. */
function interactive(type: 'button' | 'list', body: string, action: Record<string, unknown>): GraphMessage {
  return { type: 'interactive', interactive: { type, body: { text: body }, action } };
}

function buttons(body: string, options: PromptOption[]): GraphMessage {
  return interactive('button', body, {
    buttons: options.map((o) => ({
      type: 'reply',
      reply: { id: o.id.slice(0, LIMITS.buttonId), title: truncate(o.label, LIMITS.buttonTitle) },
    })),
  });
}

function list(body: string, options: PromptOption[], labels: RenderLabels): GraphMessage {
  return interactive('list', body, {
    button: truncate(labels.listButton, LIMITS.listButton),
    sections: [
      {
        rows: options.map((o) => ({
          id: o.id.slice(0, LIMITS.rowId),
          title: truncate(o.label, LIMITS.rowTitle),
          // A label cut short is shown whole underneath.
          ...(o.label.length > LIMITS.rowTitle ? { description: truncate(o.label, LIMITS.rowDescription) } : {}),
        })),
      },
    ],
  });
}

/** An interactive body holds 1,024 characters; a longer text goes ahead as plain text. */
function interactiveBody(text: string, labels: RenderLabels): { lead: string[]; body: string } {
  if (text.length <= LIMITS.interactiveBody) return { lead: [], body: text };
  return { lead: splitText(text), body: labels.chooseOption };
}

/** Splits at paragraph, then line, then word boundaries so no part exceeds the limit. */
export function splitText(text: string, limit: number = LIMITS.text): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = window.lastIndexOf('\n\n');
    if (cut < limit / 2) cut = window.lastIndexOf('\n');
    if (cut < limit / 2) cut = window.lastIndexOf(' ');
    if (cut < limit / 2) cut = limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : chars
        .slice(0, max - 1)
        .join('')
        .trimEnd() + '…';
}
