import type { Classification } from './classification.js';
import { getModelClassifier } from './classifier-model.js';

// The hand lexicon (the baseline, and a source of the model's features) lives in its own module.
export * from './lexicon-classifier.js';

/**
 * What the rest of Ventanilla calls: the trained model (src/understanding/), which uses the
 * lexicon's verdicts as some of its features. See docs/adr/0009-classifier-model.md.
 */
export function classify(text: string): Classification {
  return getModelClassifier().classify(text);
}
