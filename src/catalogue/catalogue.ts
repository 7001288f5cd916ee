import { readFileSync } from 'node:fs';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import { normalizeText } from '../language/normalize-text.js';
import { sourceAsset } from '../paths.js';
import { parseOrThrow } from '../errors.js';

/**
 * The municipality's catalogue of procedures (trámites y servicios): a JSON file staff can edit
 * (`CATALOGUE_FILE`), validated here, searched by what citizens write.
 */
const Line = z.string().trim().min(1).max(1000);

export const Procedure = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .max(64),
  name: z.string().trim().min(1).max(120),
  summary: Line,
  /** Words citizens use for it; searched together with the name. */
  keywords: z.array(z.string().trim().min(1).max(60)).default([]),
  requirements: z.array(Line).min(1).max(30),
  cost: Line,
  where: Line,
  hours: Line,
  processingTime: Line,
  legalBasis: Line,
  /** A category code, for the attention log and for a case opened after the answer. */
  category: z.string().max(64).optional(),
});
export type Procedure = z.infer<typeof Procedure>;

export const Catalogue = z
  .object({
    version: z.literal(1),
    notes: z.string().optional(),
    /** Groups of words and phrases that mean the same to citizens ("predial", "catastro"…). */
    synonyms: z.array(z.array(z.string().trim().min(1).max(80)).min(2)).default([]),
    procedures: z.array(Procedure).min(1).max(1000),
  })
  .superRefine((catalogue, ctx) => {
    const ids = catalogue.procedures.map((p) => p.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['procedures', i, 'id'], message: `"${id}" appears twice` });
    });
  });
export type Catalogue = z.infer<typeof Catalogue>;

export class CatalogueError extends Error {
  override name = 'CatalogueError';
}

export function loadCatalogue(path = sourceAsset('seed', 'catalogue.es.json')): Catalogue {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CatalogueError(`catalogue ${path} could not be read: ${(error as Error).message}`);
  }
  return parseOrThrow(Catalogue, json, (issues) => new CatalogueError(`catalogue ${path} is not valid:\n${issues}`));
}

/** Words that say nothing about which procedure is meant ("¿qué necesito para…?"). */
const STOPWORDS = new Set(
  'de del la el los las lo le les al un una unos unas y o u a e en por para con sin que como cuando cual cuales quien me mi mis se su sus es son esta estan hay yo tu te nos ya si no muy mas pero este esto esa ese eso favor hola buenas buenos dias tardes noches gracias necesito quiero saber puedo puede pueden hacer tengo ocupo informacion ayuda ayudan sobre tramite tramites tramitar sacar saco pedir pido solicitar solicito dar dan'.split(
    ' ',
  ),
);

/** Normalized content words, with a light plural fold ("arboles" → "arbol", "mascotas" → "mascota"). */
export function searchTerms(text: string): string[] {
  const words = normalizeText(text).split(' ');
  const terms: string[] = [];
  for (const word of words) {
    if (!word || STOPWORDS.has(word)) continue;
    terms.push(
      word.length > 4 && word.endsWith('es') && !/[aeiou]es$/.test(word.slice(-4))
        ? word.slice(0, -2)
        : word.length > 3 && word.endsWith('s')
          ? word.slice(0, -1)
          : word,
    );
  }
  return terms;
}

export interface CatalogueMatch {
  procedure: Procedure;
  score: number;
  /** The share of the question's content words this procedure matched. */
  coverage: number;
}

export interface CatalogueSearch {
  /** The best procedure for a citizen's question, or undefined when none is a convincing match. */
  find(text: string): CatalogueMatch | undefined;
  search(text: string): CatalogueMatch[];
  get(id: string): Procedure | undefined;
}

/** Below this MiniSearch score a hit is chance overlap ("hora" in an unrelated question). */
const MIN_SCORE = 6;
/** At least this share of the question's words must match, so one shared word ("hora") is not enough. */
const MIN_COVERAGE = 0.5;
/** The winner must stand out from the runner-up by this factor, or the question is ambiguous. */
const MIN_LEAD = 1.3;

/**
 * MiniSearch (BM25 with fuzzy and prefix matching) over name, keywords and summary, with the
 * catalogue's synonym groups expanded on both sides: a procedure whose text mentions a group
 * gets the group's marker term, and so does a question that mentions any phrase of it.
 */
export function createCatalogueSearch(catalogue: Catalogue): CatalogueSearch {
  const groups = catalogue.synonyms.map((phrases) => phrases.map((p) => ` ${normalizeText(p)} `));
  const groupsIn = (text: string) => {
    const padded = ` ${normalizeText(text)} `;
    return groups.flatMap((phrases, g) => (phrases.some((p) => padded.includes(p)) ? [`syn${g}`] : []));
  };
  const byId = new Map(catalogue.procedures.map((p) => [p.id, p]));
  const index = new MiniSearch<{ id: string; name: string; keywords: string; summary: string; synonyms: string }>({
    fields: ['name', 'keywords', 'summary', 'synonyms'],
    storeFields: [],
    tokenize: (text, field) => (field === 'synonyms' ? text.split(' ').filter(Boolean) : searchTerms(text)),
    processTerm: (term) => term,
    searchOptions: {
      boost: { synonyms: 3, name: 2, keywords: 2, summary: 0.5 },
      fuzzy: (term) => (term.length >= 5 ? 0.3 : false),
      prefix: (term) => term.length >= 4,
      combineWith: 'OR',
    },
  });
  index.addAll(
    catalogue.procedures.map((p) => ({
      id: p.id,
      name: p.name,
      keywords: p.keywords.join(' '),
      summary: p.summary,
      synonyms: groupsIn([p.name, ...p.keywords, p.summary].join(' . ')).join(' '),
    })),
  );

  function search(text: string): CatalogueMatch[] {
    const words = searchTerms(text);
    const synonyms = groupsIn(text);
    if (words.length === 0 && synonyms.length === 0) return [];
    return index.search([...words, ...synonyms].join(' ')).map((hit) => {
      const matched = new Set(hit.queryTerms);
      // A synonym phrase stands for the words it spans, so it counts as covering the whole question.
      const coverage = synonyms.some((s) => matched.has(s)) ? 1 : words.filter((w) => matched.has(w)).length / Math.max(1, words.length);
      return { procedure: byId.get(String(hit.id))!, score: hit.score, coverage };
    });
  }

  return {
    search,
    find(text) {
      const [first, second] = search(text);
      if (!first || first.score < MIN_SCORE || first.coverage < MIN_COVERAGE) return undefined;
      if (second && first.score < second.score * MIN_LEAD) return undefined;
      return first;
    },
    get: (id) => byId.get(id),
  };
}
