import { foldCaseFigures } from '../figure-rollup.js';
import type { Sweep } from './follow-up.js';

/**
 * The dashboard's figures: the changes the case triggers appended since the last sweep, moved into
 * `case_figures`. Readers add what is not folded yet, so this only keeps that remainder short.
 */
export const figuresFoldSweep: Sweep = {
  name: 'dashboard figures',
  async run(deps) {
    await foldCaseFigures(deps.db);
  },
};
