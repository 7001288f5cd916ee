import { describe, expect, it } from 'vitest';
import { loadDialogScript } from '../../src/dialogs/script-schema.js';
import { figures, loadScenarios, play } from '../../scripts/simulated-citizen.js';
import { dialogContext } from '../helpers/dialog.js';

const script = loadDialogScript(undefined, 'es');
const vars = {
  municipio: 'Municipio',
  horario: 'lun-vie',
  ejemplo: 'AC-2026-000123',
  proxima_atencion: 'mañana',
  emergencia: '911',
  proteccion_civil: '',
};
const scenarios = loadScenarios();

// The figures `npm run eval:dialog` prints, held to the targets on our own scenarios.
describe('turns to a folio (training/dialog/scenarios.json)', () => {
  it('takes a web chat citizen to a folio in a median of 5 messages or fewer, keeping places already given', () => {
    const f = figures(scenarios.map((s) => play(script, s, dialogContext(vars))));
    expect(f.noFolio).toBe(0);
    expect(f.medianTurns).toBeLessThanOrEqual(5);
    expect(f.placeKept).toBeGreaterThanOrEqual(0.9);
  });

  it('takes a WhatsApp citizen there in 4 or fewer: the channel gives the number', () => {
    const f = figures(scenarios.map((s) => play(script, s, dialogContext(vars, { knownPhone: '+5215512345678' }))));
    expect(f.medianTurns).toBeLessThanOrEqual(4);
  });

  it('never opens a case from the vague openers alone', () => {
    for (const s of scenarios.filter((x) => x.vague)) {
      const played = play(script, s, dialogContext(vars));
      expect(played.asked[0]).toBe('description');
    }
  });
});
