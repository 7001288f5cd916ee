import { z } from 'zod';
import { createFeatureExtractor, type FeatureExtractor, FeatureOptions, type FeatureVector } from './hashed-features.js';

/**
 * A linear model over hashed features (`hashed-features.ts`) with several heads sharing one
 * feature table: softmax heads (the type, the category) and sigmoid heads (off-topic). Trained
 * as L2-regularised logistic regression by AdaGrad over a seeded shuffle, so the same corpus
 * always gives the same file. See docs/adr/0009-classifier-model.md for why it replaced naive
 * Bayes.
 */
export const LinearHead = z.object({
  name: z.string().min(1),
  kind: z.enum(['softmax', 'sigmoid']),
  /** Softmax: one class per column. Sigmoid: one column, the probability of `classes[0]`. */
  classes: z.array(z.string().min(1)).min(1),
  bias: z.array(z.number()),
  /** Weights are stored as int16; this is the value of one step. */
  scale: z.number().positive(),
});
export type LinearHead = z.infer<typeof LinearHead>;

export const LinearModel = z.object({
  features: FeatureOptions,
  heads: z.array(LinearHead).min(1),
  rows: z.number().int().min(0),
  /** Sorted feature buckets, as base64 of unsigned LEB128 gaps. */
  buckets: z.string(),
  /** `rows` × (one column per softmax class, one per sigmoid head), int16 little-endian, base64. */
  weights: z.string(),
});
export type LinearModel = z.infer<typeof LinearModel>;

export interface HeadSpec {
  name: string;
  kind: 'softmax' | 'sigmoid';
  classes: string[];
}

/** Per head, the class index (sigmoid: 1 for `classes[0]`, 0 otherwise), or undefined to skip that head. */
export interface LinearExample {
  vector: FeatureVector;
  labels: Array<number | undefined>;
  /** How much this example counts (1 for a corpus line). */
  weight?: number;
}

export interface LinearTrainingOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Features seen in fewer training messages are dropped: they cannot generalise and cost file size. */
  minCount: number;
  seed: number;
  /** Per head, a weight per class (sigmoid: [negative, positive]) to balance skewed heads. */
  classWeights?: Array<number[] | undefined>;
}

export const DEFAULT_TRAINING: LinearTrainingOptions = { epochs: 30, learningRate: 0.5, l2: 1e-5, minCount: 2, seed: 2026 };

const columnsOf = (head: { kind: string; classes: readonly string[] }) => (head.kind === 'softmax' ? head.classes.length : 1);

/** mulberry32: a small seeded generator, so the shuffle (and the model) are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainLinear(
  examples: readonly LinearExample[],
  specs: readonly HeadSpec[],
  features: FeatureOptions,
  options: LinearTrainingOptions = DEFAULT_TRAINING,
): LinearModel {
  // Keep the buckets seen in at least `minCount` messages, in bucket order, as rows.
  const seenIn = new Map<number, number>();
  for (const { vector } of examples) {
    const once = new Set<number>();
    for (let i = 0; i < vector.length; i++) once.add(vector.ids[i]!);
    for (const id of once) seenIn.set(id, (seenIn.get(id) ?? 0) + 1);
  }
  const kept = [...seenIn.entries()]
    .filter(([, count]) => count >= options.minCount)
    .map(([id]) => id)
    .sort((a, b) => a - b);
  const rowOf = new Map(kept.map((id, row) => [id, row]));
  const compact = examples.map(({ vector, labels, weight }) => {
    const rows: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < vector.length; i++) {
      const row = rowOf.get(vector.ids[i]!);
      if (row !== undefined) rows.push(row), values.push(vector.values[i]!);
    }
    return { rows, values, labels, weight: weight ?? 1 };
  });

  const offsets: number[] = [];
  let width = 0;
  for (const spec of specs) offsets.push(width), (width += columnsOf(spec));
  const weights = new Float64Array(kept.length * width);
  const squared = new Float64Array(kept.length * width);
  const bias = new Float64Array(width);
  const biasSquared = new Float64Array(width);
  const scores = new Float64Array(width);
  const gradient = new Float64Array(width);
  const order = compact.map((_, i) => i);
  const next = random(options.seed);
  const { learningRate, l2 } = options;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      const { rows, values, labels, weight } = compact[index]!;
      specs.forEach((spec, h) => {
        const label = labels[h];
        if (label === undefined) return;
        const offset = offsets[h]!;
        const columns = columnsOf(spec);
        const classWeight = (options.classWeights?.[h]?.[label] ?? 1) * weight;
        for (let k = 0; k < columns; k++) scores[k] = bias[offset + k]!;
        for (let f = 0; f < rows.length; f++) {
          const base = rows[f]! * width + offset;
          const v = values[f]!;
          for (let k = 0; k < columns; k++) scores[k]! += weights[base + k]! * v;
        }
        if (spec.kind === 'sigmoid') gradient[0] = (1 / (1 + Math.exp(-scores[0]!)) - label) * classWeight;
        else {
          let max = scores[0]!;
          for (let k = 1; k < columns; k++) if (scores[k]! > max) max = scores[k]!;
          let sum = 0;
          for (let k = 0; k < columns; k++) sum += scores[k] = Math.exp(scores[k]! - max);
          for (let k = 0; k < columns; k++) gradient[k] = (scores[k]! / sum - (k === label ? 1 : 0)) * classWeight;
        }
        for (let k = 0; k < columns; k++) {
          const g = gradient[k]!;
          biasSquared[offset + k]! += g * g;
          bias[offset + k]! -= (learningRate * g) / Math.sqrt(biasSquared[offset + k]! + 1e-8);
        }
        for (let f = 0; f < rows.length; f++) {
          const base = rows[f]! * width + offset;
          const v = values[f]!;
          for (let k = 0; k < columns; k++) {
            const at = base + k;
            const g = gradient[k]! * v + l2 * weights[at]!;
            squared[at]! += g * g;
            weights[at]! -= (learningRate * g) / Math.sqrt(squared[at]! + 1e-8);
          }
        }
      });
    }
  }

  // int16 with one step per head: a quarter of the size of float64 text, and rounding the
  // floats is what makes the file byte-identical from one training run to the next.
  const scales = specs.map((spec, h) => {
    let max = 0;
    for (let r = 0; r < kept.length; r++) {
      for (let k = 0; k < columnsOf(spec); k++) max = Math.max(max, Math.abs(weights[r * width + offsets[h]! + k]!));
    }
    return Number(((max || 1) / 32767).toPrecision(6));
  });
  const stored = Buffer.alloc(kept.length * width * 2);
  for (let r = 0; r < kept.length; r++) {
    specs.forEach((spec, h) => {
      for (let k = 0; k < columnsOf(spec); k++) {
        const at = r * width + offsets[h]! + k;
        stored.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round(weights[at]! / scales[h]!))), at * 2);
      }
    });
  }
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  return {
    features,
    heads: specs.map((spec, h) => ({
      name: spec.name,
      kind: spec.kind,
      classes: [...spec.classes],
      bias: Array.from(bias.subarray(offsets[h]!, offsets[h]! + columnsOf(spec)), round),
      scale: scales[h]!,
    })),
    rows: kept.length,
    buckets: encodeGaps(kept),
    weights: stored.toString('base64'),
  };
}

function encodeGaps(sorted: readonly number[]): string {
  const bytes: number[] = [];
  let previous = 0;
  for (const id of sorted) {
    let gap = id - previous;
    previous = id;
    while (gap >= 0x80) {
      bytes.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    bytes.push(gap);
  }
  return Buffer.from(bytes).toString('base64');
}

function decodeGaps(encoded: string, count: number): Int32Array {
  const bytes = Buffer.from(encoded, 'base64');
  const ids = new Int32Array(count);
  let at = 0;
  let previous = 0;
  for (let i = 0; i < count; i++) {
    let gap = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++]!;
      gap |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    ids[i] = previous += gap;
  }
  return ids;
}

export interface HeadPrediction {
  /** Softmax: the probability of each class. Sigmoid: one probability. */
  probabilities: Float64Array;
  best: number;
}

export interface LinearPrediction {
  heads: HeadPrediction[];
  /** How many content words (not greetings or function words, see `cues.ts`) the message has. */
  content: number;
  /** The share of those the model has a row for; 0 when there are none. */
  coverage: number;
  /** The share of all its words, function words included, the model has a row for. */
  wordCoverage: number;
  /** How many wording cues other than length fired (see FeatureVector). */
  typeCues: number;
}

export interface CompiledLinearModel {
  model: LinearModel;
  extractor: FeatureExtractor;
  /** The prediction is reused by the next call: read what you need from it first. */
  predict(text: string): LinearPrediction;
}

export function compileLinearModel(input: LinearModel): CompiledLinearModel {
  const model = LinearModel.parse(input);
  const extractor = createFeatureExtractor(model.features);
  const width = model.heads.reduce((n, head) => n + columnsOf(head), 0);
  const ids = decodeGaps(model.buckets, model.rows);
  const raw = Buffer.from(model.weights, 'base64');
  if (raw.length !== model.rows * width * 2) throw new Error('linear model: weights do not match rows × columns');
  // Kept as int16 and scaled once per message: half the memory of float32, and the weights'
  // memory, not the arithmetic, is what a message's few hundred random row reads wait on.
  const weights = new Int16Array(model.rows * width);
  for (let i = 0; i < weights.length; i++) weights[i] = raw.readInt16LE(i * 2);
  const columnScale = new Float64Array(width);
  let column = 0;
  for (const head of model.heads) for (let k = 0; k < columnsOf(head); k++) columnScale[column++] = head.scale;
  // An open-addressing table from bucket to row, a few times the rows in size: small enough to
  // stay in cache, where a dense 2^bits array made every feature a cache miss.
  let bits = 4;
  while (1 << bits < model.rows * 3) bits++;
  const slots = (1 << bits) - 1;
  const keys = new Int32Array(slots + 1).fill(-1);
  const rowAt = new Int32Array(slots + 1);
  ids.forEach((id, row) => {
    let slot = Math.imul(id, 0x9e3779b1) >>> (32 - bits);
    while (keys[slot] !== -1) slot = (slot + 1) & slots;
    keys[slot] = id;
    rowAt[slot] = row;
  });
  const rowOf = (id: number): number => {
    let slot = Math.imul(id, 0x9e3779b1) >>> (32 - bits);
    for (;;) {
      const key = keys[slot]!;
      if (key === id) return rowAt[slot]!;
      if (key === -1) return -1;
      slot = (slot + 1) & slots;
    }
  };
  const scores = new Float64Array(width);
  const heads: HeadPrediction[] = model.heads.map((head) => ({ probabilities: new Float64Array(columnsOf(head)), best: 0 }));
  const result: LinearPrediction = { heads, content: 0, coverage: 0, wordCoverage: 0, typeCues: 0 };

  function predict(text: string): LinearPrediction {
    const vector = extractor.extract(text);
    scores.fill(0);
    let knownContent = 0;
    let knownWords = 0;
    for (let i = 0; i < vector.length; i++) {
      const row = rowOf(vector.ids[i]!);
      if (row < 0) continue;
      if (i < vector.words) knownWords++;
      if (i < vector.content) knownContent++;
      const base = row * width;
      const v = vector.values[i]!;
      for (let k = 0; k < width; k++) scores[k]! += weights[base + k]! * v;
    }
    for (let k = 0; k < width; k++) scores[k]! *= columnScale[k]!;
    let offset = 0;
    for (let h = 0; h < heads.length; h++) {
      const head = model.heads[h]!;
      const { probabilities } = heads[h]!;
      const columns = probabilities.length;
      let best = 0;
      if (head.kind === 'sigmoid') probabilities[0] = 1 / (1 + Math.exp(-(scores[offset]! + head.bias[0]!)));
      else {
        let max = -Infinity;
        for (let k = 0; k < columns; k++) {
          const z = scores[offset + k]! + head.bias[k]!;
          probabilities[k] = z;
          if (z > max) (max = z), (best = k);
        }
        let sum = 0;
        for (let k = 0; k < columns; k++) sum += probabilities[k] = Math.exp(probabilities[k]! - max);
        for (let k = 0; k < columns; k++) probabilities[k]! /= sum;
      }
      heads[h]!.best = best;
      offset += columns;
    }
    result.content = vector.content;
    result.coverage = vector.content === 0 ? 0 : knownContent / vector.content;
    result.wordCoverage = vector.words === 0 ? 0 : knownWords / vector.words;
    result.typeCues = vector.typeCues;
    return result;
  }

  return { model, extractor, predict };
}
