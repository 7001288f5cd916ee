import { foldAttentionFigures } from '../../understanding/attention-figures.js';
import { foldCaseFigures } from '../figure-rollup.js';
import type { Sweep } from './follow-up.js';

/**
 * The dashboard's figures: the changes the case and attention triggers appended since the last
 * sweep, moved into `case_figures` and `attention_figures`. Readers add what is not folded yet,
 * so this only keeps that remainder short.
 */
export const figuresFoldSweep: Sweep = {
  name: 'dashboard figures',
  async run(deps) {
    await foldCaseFigures(deps.db);
    await foldAttentionFigures(deps.db);
  },
};
