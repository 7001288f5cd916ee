import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CaseType } from '../cases/case-type.js';
import type { Classification } from './classification.js';
import { sourceAsset } from '../paths.js';
import { extractFeatures } from './features.js';
import { compileModels, type Prediction, NaiveBayesModel, predictAll } from './naive-bayes.js';

/** The file `npm run train` writes and the package ships: one model for the type, one for the category. */
export const ClassifierModelFile = z.object({
  version: z.literal(1),
  licence: z.string().min(1),
  trainedOn: z.object({ corpus: z.string(), examples: z.number().int(), seed: z.string(), heldOut: z.number().int() }),
  type: NaiveBayesModel,
  category: NaiveBayesModel,
});
export type ClassifierModelFile = z.infer<typeof ClassifierModelFile>;

export const MODEL_PATH = () => sourceAsset('understanding', 'classifier-model.json');

export interface TextClassifier {
  classify(text: string): Classification;
}

const FALLBACK_CATEGORY = 'otros';

export function createModelClassifier(file: ClassifierModelFile): TextClassifier {
  const model = ClassifierModelFile.parse(file);
  for (const label of model.type.classes) CaseType.parse(label);
  const compiled = compileModels([model.type, model.category]);
  return {
    classify(text) {
      const bag = extractFeatures(text);
      const [type, category] = predictAll(compiled, bag) as [Prediction, Prediction];
      // Nothing the model knows (empty text, emoji only, a language it never saw): say so.
      const typeLabel = type.known === 0 ? 'reporte' : (type.label as CaseType);
      const categoryLabel = category.known === 0 ? FALLBACK_CATEGORY : category.label;
      return {
        type: typeLabel,
        typeConfidence: type.confidence,
        category: categoryLabel,
        categoryConfidence: category.confidence,
        confidence: Math.min(type.confidence, category.confidence),
      };
    },
  };
}

export function loadClassifierModel(path = MODEL_PATH()): ClassifierModelFile {
  return ClassifierModelFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

let shared: TextClassifier | undefined;

/** The model shipped with the package, read on first use. */
export function getModelClassifier(): TextClassifier {
  shared ??= createModelClassifier(loadClassifierModel());
  return shared;
}
