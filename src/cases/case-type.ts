import { z } from 'zod';

/** The four kinds of request the office distinguishes; stored as these codes. */
export const CaseType = z.enum(['queja', 'solicitud_informacion', 'sugerencia', 'reporte']);
export type CaseType = z.infer<typeof CaseType>;

export const CaseStatus = z.enum(['nuevo', 'recepcionado', 'en_seguimiento', 'escalado', 'cerrado', 'no_procede']);
export type CaseStatus = z.infer<typeof CaseStatus>;
