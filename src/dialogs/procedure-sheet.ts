import type { Procedure } from '../catalogue/catalogue.js';
import { interpolate } from '../i18n/index.js';
import type { DialogScript } from './script-schema.js';

/** A procedure's sheet in the script's wording; channels that answer in one turn (email) use it too. */
export function procedureSheet(script: DialogScript, procedure: Procedure, vars: Record<string, string>): string {
  return interpolate(script.catalogue!.answer, {
    ...vars,
    tramite: procedure.name,
    resumen: procedure.summary,
    requisitos: procedure.requirements.map((r) => `• ${r}`).join('\n'),
    costo: procedure.cost,
    lugar: procedure.where,
    horario_tramite: procedure.hours,
    plazo: procedure.processingTime,
    fundamento: procedure.legalBasis,
  });
}
