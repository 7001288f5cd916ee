import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Pre-approved template messages: the only thing WhatsApp lets a business send once the
 * citizen's 24-hour customer-service window has closed. Configured in WHATSAPP_TEMPLATES as JSON
 * (or the path of a JSON file):
 *
 *   {
 *     "notice": { "name": "aviso_folio", "language": "es_MX", "parameters": ["text"] },
 *     "reply":  { "name": "respuesta_personal", "language": "es_MX", "parameters": ["text"] }
 *   }
 *
 * `notice` carries follow-up notices (and any bot message held back past the window); `reply`
 * carries staff replies and defaults to `notice`. `parameters` fills the template body's
 * {{1}}, {{2}}… in order; `"text"` is the message itself. An empty list suits a template such as
 * "Tienes un aviso sobre tu folio; escríbenos para verlo".
 */
export const WhatsAppTemplate = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'el nombre de la plantilla en Meta (minúsculas, dígitos y _)'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'código de idioma de la plantilla, p. ej. es_MX'),
  parameters: z.array(z.literal('text')).max(1).default(['text']),
});
export type WhatsAppTemplate = z.infer<typeof WhatsAppTemplate>;

export const WhatsAppTemplates = z.object({ notice: WhatsAppTemplate.optional(), reply: WhatsAppTemplate.optional() }).strict();
export type WhatsAppTemplates = z.infer<typeof WhatsAppTemplates>;

/** Parses WHATSAPP_TEMPLATES: inline JSON when it starts with `{`, else a file path. Throws a readable Error. */
export function parseWhatsAppTemplates(value: string | undefined): WhatsAppTemplates {
  if (!value) return {};
  const source = value.trim().startsWith('{') ? value : readTemplateFile(value);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    throw new Error(`no es JSON válido (${(error as Error).message})`);
  }
  const parsed = WhatsAppTemplates.safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(raíz)'}: ${i.message}`).join('; '));
  return parsed.data;
}

function readTemplateFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`no se pudo leer el archivo ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Which template carries a message of this author when the window is closed, if any is configured. */
export function templateFor(templates: WhatsAppTemplates, author: 'bot' | 'staff' | 'system'): WhatsAppTemplate | undefined {
  return author === 'staff' ? (templates.reply ?? templates.notice) : templates.notice;
}
