import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/understanding/classify.js';
import { normalizeText } from '../../src/language/normalize-text.js';
import { packageRoot, sourceAsset } from '../../src/paths.js';
import { readLabelledCsv } from '../../src/understanding/corpus.js';
import { evaluate } from '../../src/understanding/metrics.js';
import { trainClassifier } from '../../src/understanding/train.js';

const file = (name: string) => join(packageRoot, 'training', 'classifier', name);
const corpus = readLabelledCsv(file('corpus.csv'));
const heldOut = readLabelledCsv(file('held-out.csv'));
const unseen = readLabelledCsv(file('unseen.csv'));

function figures(rows: ReturnType<typeof readLabelledCsv>) {
  const predicted = rows.map((r) => classify(r.text));
  return {
    type: evaluate(
      rows.map((r) => r.type!),
      predicted.map((p) => p.type),
    ),
    category: evaluate(
      rows.map((r) => r.category!),
      predicted.map((p) => p.category),
    ),
  };
}

describe('the shipped classifier model', () => {
  it('is what `npm run train` makes of the corpus today (nobody forgot to retrain)', () => {
    const { model, split } = trainClassifier(corpus, 'training/classifier/corpus.csv');
    expect(JSON.parse(readFileSync(sourceAsset('understanding', 'classifier-model.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(model)),
    );
    expect(split.heldOut.map((r) => r.text)).toEqual(heldOut.map((r) => r.text));
  });

  it('never saw the held-out or the unseen messages in training', () => {
    const { split } = trainClassifier(corpus, 'corpus');
    const trained = new Set(split.train.map((r) => normalizeText(r.text)));
    expect(heldOut.length).toBeGreaterThanOrEqual(50);
    expect(unseen.length).toBeGreaterThanOrEqual(50);
    for (const row of [...heldOut, ...unseen]) expect(trained.has(normalizeText(row.text)), row.text).toBe(false);
  });

  // Floors a little under the figures in the README, so a worse model or corpus change fails here.
  it('classifies the held-out split it was not trained on', () => {
    const { type, category } = figures(heldOut);
    expect(type.macroF1).toBeGreaterThanOrEqual(0.89);
    expect(type.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(category.macroF1).toBeGreaterThanOrEqual(0.86);
    expect(category.accuracy).toBeGreaterThanOrEqual(0.86);
  });

  it('classifies wordings written after training, from several countries', () => {
    const { type, category } = figures(unseen);
    expect(type.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(category.macroF1).toBeGreaterThanOrEqual(0.91);
  });

  it('is unsure of what it cannot know: another language, nothing, emoji', () => {
    for (const text of ['There is a huge pothole in front of the school', '', '👍👍', '???']) {
      expect(classify(text).confidence, text).toBeLessThan(0.5);
    }
  });

  it('is sure of a plain report, whatever the spelling', () => {
    for (const text of [
      'Hay una fuga de agua en la calle Morelos 45',
      'HAY UNA FUGA DE AGUA EN LA CALLE MORELOS 45!!',
      'ay una fuga d agua en la cai morelos 45',
    ]) {
      const c = classify(text);
      expect(c, text).toMatchObject({ type: 'reporte', category: 'agua-drenaje' });
    }
    expect(classify('Hay una fuga de agua en la calle Morelos 45').confidence).toBeGreaterThanOrEqual(0.6);
  });
});
