import { migrationsFolder } from './client.js';
import { buildPgliteTemplate, PGLITE_TEMPLATE } from './pglite-init.js';

// Run by `npm run build`: see PGLITE_TEMPLATE.
const bytes = await buildPgliteTemplate(migrationsFolder);
console.log(`embedded database template: ${PGLITE_TEMPLATE} (${(bytes / 1048576).toFixed(1)} MB)`);
