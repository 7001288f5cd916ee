/**
 * `npm run eval:dialog`: plays training/dialog/scenarios.json through the default Spanish script as
 * a web chat (the number is asked) and as WhatsApp (the channel gives it), and prints the turns a
 * citizen needs to reach a folio and how often a place already given is asked again.
 */
import { createCatalogueSearch, loadCatalogue } from '../src/catalogue/catalogue.js';
import type { StepContext } from '../src/dialogs/engine.js';
import { loadDialogScript } from '../src/dialogs/script-schema.js';
import { loadDefaultMunicipality } from '../src/seed/seed.js';
import { classify } from '../src/understanding/classify.js';
import { figures, loadScenarios, play } from './simulated-citizen.js';

const script = loadDialogScript(undefined, 'es');
const municipality = loadDefaultMunicipality();
const catalogue = createCatalogueSearch(loadCatalogue());
const base: StepContext = {
  classify,
  categories: municipality.categories.map((c) => ({ code: c.code, name: c.name })),
  withinBusinessHours: true,
  conversationStatus: 'bot',
  folioPrefix: 'AC',
  vars: {
    municipio: 'Municipio',
    horario: 'lun-vie 8-15',
    ejemplo: 'AC-2026-000123',
    proxima_atencion: 'mañana',
    emergencia: '911',
    proteccion_civil: '',
  },
  findProcedure: (text) => catalogue.find(text)?.procedure,
};
const scenarios = loadScenarios();
for (const [channel, ctx] of [
  ['web chat', base],
  ['WhatsApp', { ...base, knownPhone: '+5215512345678' }],
] as const) {
  const played = scenarios.map((s) => play(script, s, ctx));
  const f = figures(played);
  console.log(
    `${channel}: ${f.conversations} conversations, median ${f.medianTurns} citizen turns to a folio, ` +
      `${Math.round(f.placeKept * 100)} % of the ${f.withPlace} that named their place were not asked for it, ${f.noFolio} without a folio`,
  );
  if (process.argv.includes('--verbose'))
    for (const p of played) console.log(`  ${p.turns ?? '—'}  ${p.asked.join(' → ') || '(nothing asked)'}  «${p.scenario.text}»`);
}
