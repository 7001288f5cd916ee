import type { OutboundMessage } from '../../../messages/outbound.js';
import { splitText } from '../outbound.js';

export interface WebRenderLabels {
  answerWithNumber: string;
  /** Has an `{options}` placeholder: the yes/no labels, which are answered by word rather than number. */
  answerWith: string;
  shareLocation: string;
  /** Has a `{skip}` placeholder for the skip option's label. */
  skipHint: string;
}

/**
 * A dialog message as plain WhatsApp text: whatsapp-web.js can no longer send buttons or lists
 * (WhatsApp withdrew them for ordinary accounts), so options are numbered and the dialog's
 * parsers accept the number or the label.
 */
export function renderWebText(message: OutboundMessage, labels: WebRenderLabels): string[] {
  const prompt = message.prompt;
  const options = prompt?.options ?? [];
  let text = message.text;
  if (prompt?.kind === 'photo' && options.length === 1) {
    text += `\n\n${labels.skipHint.replace('{skip}', options[0]!.label)}`;
  } else if (prompt?.kind === 'yes_no') {
    text += `\n\n${labels.answerWith.replace('{options}', options.map((option) => option.label).join(' / '))}`;
  } else if (options.length > 0) {
    text += `\n\n${options.map((option, index) => `${index + 1}. ${option.label}`).join('\n')}\n\n${labels.answerWithNumber}`;
  } else if (prompt?.kind === 'location') {
    text += `\n\n${labels.shareLocation}`;
  }
  return splitText(text);
}
