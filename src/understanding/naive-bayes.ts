import { z } from 'zod';
import { extractFeatures, isWordFeature, type FeatureBag } from './features.js';

/**
 * Multinomial naive Bayes over weighted features (see `features.ts`): the model Ventanilla shipped
 * first, kept as the alternative `npm run train -- --compare` measures the linear model against
 * (docs/adr/0009-classifier-model.md).
 */
export const NaiveBayesModel = z.object({
  classes: z.array(z.string().min(1)).min(2),
  /** log P(class). */
  priors: z.array(z.number()),
  /** log P(feature | class) per class, for features seen in training. */
  features: z.record(z.string(), z.array(z.number())),
  /** log P(unseen feature | class): kept so a message's length does not favour small classes. */
  unseen: z.array(z.number()),
  /**
   * Log-likelihood differences are divided by this times the square root of the message's
   * feature weight before the softmax: naive Bayes counts every correlated feature as new
   * evidence, so its raw posteriors are near 0 or 1 even for two vague words.
   */
  temperature: z.number().positive(),
});
export type NaiveBayesModel = z.infer<typeof NaiveBayesModel>;

export interface Example {
  text: string;
  label: string;
}

/** Fits one model; `alpha` is additive (Laplace/Lidstone) smoothing, `minCount` prunes rare features. */
export function trainNaiveBayes(
  examples: readonly Example[],
  options: { alpha?: number; minCount?: number; temperature?: number } = {},
): NaiveBayesModel {
  const alpha = options.alpha ?? 0.3;
  const minCount = options.minCount ?? 1;
  const classes = [...new Set(examples.map((e) => e.label))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const docs = new Array<number>(classes.length).fill(0);
  const totals = new Array<number>(classes.length).fill(0);
  const counts = new Map<string, number[]>();
  const seen = new Map<string, number>();
  for (const example of examples) {
    const k = index.get(example.label)!;
    docs[k]! += 1;
    for (const [feature, weight] of extractFeatures(example.text)) {
      let row = counts.get(feature);
      if (!row) counts.set(feature, (row = new Array<number>(classes.length).fill(0)));
      row[k]! += weight;
      totals[k]! += weight;
      seen.set(feature, (seen.get(feature) ?? 0) + 1);
    }
  }
  const kept = [...counts.keys()].filter((f) => (seen.get(f) ?? 0) >= minCount).sort();
  const vocabulary = kept.length + 1;
  const denominators = totals.map((t) => Math.log(t + alpha * vocabulary));
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const features: Record<string, number[]> = {};
  for (const feature of kept) features[feature] = counts.get(feature)!.map((c, k) => round(Math.log(c + alpha) - denominators[k]!));
  return {
    classes,
    priors: docs.map((d) => round(Math.log(d / examples.length))),
    features,
    unseen: denominators.map((d) => round(Math.log(alpha) - d)),
    temperature: options.temperature ?? 1,
  };
}

/** The share of a message's word features the model must know for its posterior to count in full. */
const FULL_COVERAGE = 0.4;

export interface Prediction {
  label: string;
  confidence: number;
  /** The winner's posterior before the coverage shrink: a probability to threshold on. */
  posterior: number;
  /** How many of the message's own word features the model knew; 0 means none of its words. */
  known: number;
}

/**
 * Several models over the same features, ready to predict together: one Map probe per feature
 * for all of them (hashing the freshly built feature strings was the largest cost per message).
 */
export interface CompiledModels {
  models: NaiveBayesModel[];
  /** Per feature, each model's log-probabilities, or undefined where that model never saw it. */
  table: Map<string, Array<Float64Array | undefined>>;
}

export function compileModels(models: NaiveBayesModel[]): CompiledModels {
  const table = new Map<string, Array<Float64Array | undefined>>();
  models.forEach((model, m) => {
    for (const [feature, row] of Object.entries(model.features)) {
      let entry = table.get(feature);
      if (!entry) table.set(feature, (entry = models.map(() => undefined)));
      entry[m] = Float64Array.from(row);
    }
  });
  return { models, table };
}

export function predictAll(compiled: CompiledModels, bag: FeatureBag): Prediction[] {
  const { models, table } = compiled;
  const scores = models.map((m) => Float64Array.from(m.priors));
  const known = models.map(() => 0);
  const knownWordMass = models.map(() => 0);
  const mass = models.map(() => 0);
  let wordMass = 0;
  for (const [feature, weight] of bag) {
    const word = isWordFeature(feature);
    if (word) wordMass += weight;
    const rows = table.get(feature);
    if (!rows) continue;
    for (let m = 0; m < rows.length; m++) {
      const row = rows[m];
      if (!row) continue;
      mass[m]! += weight;
      if (word) {
        known[m]! += 1;
        knownWordMass[m]! += weight;
      }
      const s = scores[m]!;
      for (let k = 0; k < row.length; k++) s[k]! += weight * row[k]!;
    }
  }
  return models.map((model, m) => {
    const s = scores[m]!;
    let best = 0;
    for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
    const temperature = model.temperature * Math.sqrt(Math.max(1, mass[m]!));
    let sum = 0;
    for (let k = 0; k < s.length; k++) sum += Math.exp((s[k]! - s[best]!) / temperature);
    // A message mostly made of words the model never saw (another language, a new topic) is
    // not understood, however the few known words lean: confidence shrinks with coverage.
    const coverage = wordMass === 0 ? 0 : knownWordMass[m]! / wordMass;
    const confidence = known[m] === 0 ? 0 : (1 / sum) * Math.min(1, coverage / FULL_COVERAGE);
    return { label: model.classes[best]!, confidence, posterior: 1 / sum, known: known[m]! };
  });
}

export function predict(model: NaiveBayesModel, text: string): Prediction {
  return predictAll(compileModels([model]), extractFeatures(text))[0]!;
}
