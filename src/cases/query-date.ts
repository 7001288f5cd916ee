import { z } from 'zod';

/**
 * A date in a query string, read as a `Date`: a day (`2026-03-01`, as the console's date fields
 * send it) or an instant in ISO 8601. A coercion converts to no JSON Schema, so the API's
 * document is told what it accepts.
 */
export const QueryDate = z.coerce.date().meta({
  anyOf: [
    { type: 'string', format: 'date' },
    { type: 'string', format: 'date-time' },
  ],
});
