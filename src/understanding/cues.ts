/**
 * Wording cues that carry a message's type across regions and registers, where single words do
 * not: real complaints are often rhetorical questions ("¿para qué pagamos impuestos?"), sarcasm
 * ("gracias por nada") or "ya van 5 días"; suggestions open with a proposal ("Propuesta:",
 * "Más contenedores en…", "Que pongan…"); reports order a fix ("tapen el pozo"). Each cue is a
 * name; the models learn what it is worth. Matching works on `normalizeText` words (lowercase,
 * no accents, shorthand expanded) plus a few marks of the raw text.
 */

/** Greetings and vocatives skipped before reading how a message opens ("Buenas tardes, ¿dónde…"). */
const LEADING_FILLERS = new Set([
  'hola',
  'holaa',
  'buenas',
  'buenos',
  'buen',
  'dia',
  'dias',
  'tardes',
  'noches',
  'che',
  'oigan',
  'oiga',
  'disculpe',
  'disculpen',
  'estimados',
  'estimado',
  'estimada',
  'senores',
  'senor',
  'sr',
  'sra',
  'alcalde',
  'intendente',
  'vecinos',
  'muni',
  'municipio',
  'ayuntamiento',
  'municipalidad',
  'alcaldia',
  'saludos',
  'gente',
  'amigos',
  'una',
  'consulta',
  'pregunta',
]);

/** Interrogatives that open a genuine question. */
const QUESTION_WORDS = new Set([
  'que',
  'como',
  'donde',
  'cuando',
  'cuanto',
  'cuanta',
  'cuantos',
  'cuantas',
  'cual',
  'cuales',
  'quien',
  'quienes',
  'adonde',
]);

/** Openers that ask for information without a question word. */
const ASKING_OPENERS = new Set([
  'necesito',
  'ocupo',
  'quisiera',
  'quiero',
  'requisitos',
  'horario',
  'horarios',
  'informacion',
  'me',
  'puedo',
  'pueden',
  'podrian',
  'se',
  'hay',
  'tienen',
  'sabes',
  'saben',
  'vos',
]);

/** "Ustedes" imperatives: a citizen ordering a fix ("tapen el pozo", "vengan ya"). */
const IMPERATIVES = new Set([
  'arreglen',
  'vengan',
  'tapen',
  'pongan',
  'cambien',
  'saquen',
  'limpien',
  'corten',
  'destapen',
  'manden',
  'hagan',
  'reparen',
  'pavimenten',
  'retiren',
  'levanten',
  'recojan',
  'podan',
  'poden',
  'quiten',
  'revisen',
  'envien',
  'mandar',
  'atiendan',
  'vacien',
  'iluminen',
  'bacheen',
  'asfalten',
  'muevan',
  'controlen',
  'multen',
]);

/** Words that open a proposal, often as a bare noun phrase ("Programa de…", "Más luz en…"). */
const PROPOSAL_OPENERS = new Set([
  'propuesta',
  'propongo',
  'proponemos',
  'propondria',
  'sugiero',
  'sugerimos',
  'sugerencia',
  'sugerir',
  'idea',
  'ojala',
  'deberian',
  'deberia',
  'podrian',
  'podria',
  'seria',
  'serian',
  'estaria',
  'estarian',
  'mas',
  'programa',
  'campana',
  'prohibicion',
  'prohibir',
  'instalacion',
  'instalar',
  'construccion',
  'construir',
  'creacion',
  'crear',
  'ampliacion',
  'ampliar',
  'mejorar',
  'mejora',
  'recambio',
  'implementar',
  'habilitar',
  'plan',
  'poner',
  'colocar',
  'recuperacion',
  'mantenimiento',
  'ensanche',
  'ensanchar',
  'digitalizacion',
  'talleres',
  'taller',
  'feria',
  'un',
  'una',
  'yo',
  'mi',
  'creo',
  'pienso',
  'pido',
  'solicito',
  'solicitaria',
  'me',
]);

/** Second words that make "que …" / "me gustaria …" a wish rather than a question. */
const WISH_VERBS = new Set([
  'pongan',
  'hagan',
  'instalen',
  'haya',
  'hubiera',
  'se',
  'arreglen',
  'pavimenten',
  'rieguen',
  'abran',
  'multen',
  'publiquen',
  'manden',
  'transmitan',
  'iluminen',
  'limpien',
  'planten',
  'siembren',
  'construyan',
  'el',
  'la',
  'los',
  'las',
  'gustaria',
  'encantaria',
]);

/** Words of the municipality failing its citizens. */
const NEGLECT = new Set([
  'nadie',
  'nunca',
  'jamas',
  'ninguna',
  'ningun',
  'nada',
  'abandonado',
  'abandonada',
  'abandonados',
  'olvidados',
  'promesas',
  'prometieron',
  'prometido',
]);

const ANGER = new Set([
  'verguenza',
  'vergonzoso',
  'harto',
  'harta',
  'hartos',
  'hartas',
  'cansado',
  'cansados',
  'asco',
  'pesimo',
  'pesima',
  'desastre',
  'indignante',
  'indignacion',
  'inaceptable',
  'abuso',
  'burla',
  'chiste',
  'porqueria',
  'insoportable',
  'barbaridad',
  'bronca',
  'chapuza',
  'desidia',
  'dejadez',
  'inutiles',
  'corrupcion',
  'mentira',
  'basta',
  'increible',
  'ineficiencia',
  'malestar',
  'inconformidad',
  'disconformidad',
  'queja',
]);

const PRAISE = new Set([
  'gracias',
  'felicitaciones',
  'felicito',
  'felicidades',
  'excelente',
  'genial',
  'hermoso',
  'hermosa',
  'lindo',
  'linda',
  'bonito',
  'bonita',
  'bravo',
  'maravilla',
  'lujo',
]);

/** What, beside praise, makes it sarcasm ("gracias por nada, otra semana sin luz"); sincere thanks name a fix instead. */
const GRIEVANCE =
  /(^| )(sin|otra vez|otra semana|otro mes|otra noche|otro dia|otro ano|una semana tarde|ni una|ni un|por nada|lastima|mientras|ah no|nunca|nada|record|si te gusta|seguimos|sigue|siguen)( |$)/;

const TIME_UNITS = new Set(['dia', 'dias', 'semana', 'semanas', 'mes', 'meses', 'ano', 'anos', 'horas', 'noches', 'anios']);
const COUNT_WORDS = new Set([
  'un',
  'una',
  'dos',
  'tres',
  'cuatro',
  'cinco',
  'seis',
  'siete',
  'ocho',
  'diez',
  'quince',
  'veinte',
  'varios',
  'varias',
  'muchos',
  'mil',
]);

/** Marks of a letter or formal e-mail. */
const FORMAL = [
  'por medio del presente',
  'por medio de la presente',
  'por la presente',
  'me dirijo',
  'a quien corresponda',
  'atentamente',
  'me permito',
  'sin otro particular',
];

/**
 * Verbs and auxiliaries that make a sentence of a message. Without any, a message is a noun
 * phrase: a form's title for a defect ("Luminaria apagada en…") or a proposal ("Papeleras en
 * la costanera"); what tells them apart is whether it names something broken.
 */
const FINITE = new Set([
  'hay',
  'es',
  'esta',
  'estan',
  'son',
  'era',
  'fue',
  'tiene',
  'tienen',
  'tengo',
  'tenemos',
  'se',
  'va',
  'van',
  'vamos',
  'lleva',
  'llevan',
  'llevamos',
  'paso',
  'pasa',
  'pasan',
  'quedo',
  'queda',
  'hace',
  'hacen',
  'sale',
  'salen',
  'dejaron',
  'tiraron',
  'robaron',
  'puedo',
  'pueden',
  'quiero',
  'necesito',
  'vino',
  'viene',
  'no',
  'me',
  'nos',
  'le',
  'les',
]);

const DEFECTS = new Set([
  'roto',
  'rota',
  'rotos',
  'rotas',
  'apagado',
  'apagada',
  'apagados',
  'apagadas',
  'caido',
  'caida',
  'caidos',
  'fundido',
  'fundida',
  'quemado',
  'quemada',
  'tapado',
  'tapada',
  'desbordado',
  'desbordada',
  'hundido',
  'hundimiento',
  'inclinado',
  'inclinada',
  'abandonado',
  'abandonada',
  'sin',
  'falta',
  'perdida',
  'fuga',
  'bache',
  'pozo',
  'hueco',
  'hoyo',
  'fuera',
  'suelto',
  'suelta',
  'riesgo',
  'peligro',
  'ruidos',
  'robo',
  'choque',
  'accidente',
  'acumulada',
  'acumulado',
  'tirada',
  'tirado',
  'microbasural',
  'basural',
  'desborde',
  'rotura',
  'obstruido',
  'obstruida',
  'danado',
  'danada',
  'colapsado',
]);

const SARCASTIC_EMOJI = /[🙃🙄🤡👏🤔😒]/u;
const ANGRY_EMOJI = /[😡🤬😤💩]/u;

function isShouting(text: string): boolean {
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) {
      letters++;
      upper++;
    } else if (code >= 97 && code <= 122) letters++;
    else if (code >= 0xc0 && code <= 0x24f) {
      const ch = text[i]!;
      if (ch.toLowerCase() !== ch.toUpperCase()) {
        letters++;
        if (ch === ch.toUpperCase()) upper++;
      }
    }
  }
  // A minimum length keeps acronyms and one-word messages ("OK", "CURP") from counting as shouting.
  return letters >= 10 && upper / letters >= 0.7;
}

/** Which of the word sets each word belongs to, as bits, so one pass over a message answers all of them. */
const IMPERATIVE = 1;
const NEGLECTING = 2;
const ANGRY = 4;
const PRAISING = 8;
const VERB = 16;
const DEFECT = 32;
const SET_BITS = new Map<string, number>();
for (const [set, bit] of [
  [IMPERATIVES, IMPERATIVE],
  [NEGLECT, NEGLECTING],
  [ANGER, ANGRY],
  [PRAISE, PRAISING],
  [FINITE, VERB],
  [DEFECTS, DEFECT],
] as const) {
  for (const word of set) SET_BITS.set(word, (SET_BITS.get(word) ?? 0) | bit);
}

function wordSets(words: readonly string[]): number {
  let bits = 0;
  for (const w of words) bits |= SET_BITS.get(w) ?? 0;
  return bits;
}

/**
 * Words that say nothing about what a message is about: greetings, function words, pronouns and
 * all-purpose verbs. A message made only of these ("hola", "quiero comentarles algo", "tengo
 * una duda") is conversation, however the corpus labels it; the model must not be sure of a type.
 */
const CONTENT_FREE = new Set([
  ...LEADING_FILLERS,
  ...QUESTION_WORDS,
  'ola',
  'tal',
  'hey',
  'ey',
  'alo',
  'gracias',
  'ok',
  'okay',
  'vale',
  'si',
  'no',
  'ya',
  'bien',
  'muy',
  'mas',
  'pero',
  'favor',
  'de',
  'del',
  'la',
  'el',
  'los',
  'las',
  'lo',
  'un',
  'unos',
  'unas',
  'y',
  'e',
  'o',
  'u',
  'a',
  'al',
  'en',
  'por',
  'para',
  'con',
  'sin',
  'me',
  'te',
  'se',
  'mi',
  'mis',
  'tu',
  'tus',
  'su',
  'sus',
  'le',
  'les',
  'nos',
  'yo',
  'usted',
  'ustedes',
  'vos',
  'ella',
  'ellos',
  'esto',
  'este',
  'esta',
  'eso',
  'ese',
  'esa',
  'aqui',
  'ahi',
  'alli',
  'es',
  'son',
  'soy',
  'estoy',
  'estan',
  'hay',
  'tengo',
  'tiene',
  'tienen',
  'quiero',
  'queria',
  'quisiera',
  'necesito',
  'puedo',
  'pueden',
  'puede',
  'podria',
  'podrian',
  'hacer',
  'decir',
  'saber',
  'comentar',
  'comentarles',
  'contarles',
  'preguntar',
  'preguntarles',
  'hablar',
  'ayudar',
  'ayudan',
  'ayudame',
  'ayuden',
  'ayuda',
  'va',
  'voy',
  'vamos',
  'algo',
  'alguien',
  'nada',
  'todo',
  'duda',
  'dudas',
  'informacion',
  'tema',
  'asunto',
  'cosa',
  'problema',
  'mensaje',
  'escribo',
  'escribir',
  'medio',
  'chat',
  'atencion',
]);

export function isContentWord(word: string): boolean {
  return !CONTENT_FREE.has(word);
}

/** Index of the first word after greetings and vocatives (0 when the message is nothing else). */
export function openingIndex(words: readonly string[]): number {
  let i = 0;
  while (i < words.length && i < 4 && LEADING_FILLERS.has(words[i]!)) i++;
  return i === words.length ? 0 : i;
}

/**
 * The cues of one message. `words` is `normalizeText(text).split(' ')`; `text` the message as
 * written (for "?", "#", "@", capitals and emoji). Returns cue names, each at most once.
 */
export function detectCues(text: string, words: readonly string[], joined: string): string[] {
  const cues: string[] = [];
  const start = openingIndex(words);
  const first = words[start] ?? '';
  const second = words[start + 1] ?? '';
  const question = text.includes('?') || text.includes('¿');
  const sets = wordSets(words);
  if (question) cues.push('question');
  const asks = QUESTION_WORDS.has(first) || ((first === 'a' || first === 'en') && QUESTION_WORDS.has(second));
  if (asks) cues.push(question ? 'asks' : 'asks-unmarked');
  else if (ASKING_OPENERS.has(first) && question) cues.push('asks-verb');
  if (IMPERATIVES.has(first)) cues.push('imperative-open');
  else if (sets & IMPERATIVE) cues.push('imperative');
  if (PROPOSAL_OPENERS.has(first) && !question) cues.push('proposal-open');
  if (first === 'que' && WISH_VERBS.has(second) && !question) cues.push('wish');
  if (
    (first === 'por' && second === 'que' && words[start + 2] === 'no') ||
    (first === 'y' && second === 'si') ||
    (first === 'que' && second === 'tal')
  )
    cues.push('proposal-question');
  if (joined.includes('no se podria') || joined.includes('no seria') || joined.includes('no pueden') || joined.includes('no convendria'))
    cues.push(question ? 'proposal-question' : 'could');
  if (/(^| )(seria|estaria|seria muy) (bueno|bien|ideal|genial|bonito|lindo|buena idea|util|importante)/.test(joined))
    cues.push('would-be-good');
  // Rhetorical questions: the answer is the complaint.
  if (
    question &&
    /(^| )(para que (pagamos|pago|sirve|sirven|existe|existen|tienen|tenemos|hicieron|nos|te|publican|piden)|hasta cuando|cuanto mas|cuantas veces|cuantos .* mas|que esperan|que tiene que pasar|es mucho pedir|es tan dificil|como puede ser|en serio|a quien le importa|alguien del|nadie|y (la|el|los|las) .{2,20}$|donde (esta|estan) (la|el|los|las))/.test(
      joined,
    )
  )
    cues.push('rhetorical');
  if (sets & NEGLECTING) cues.push('neglect');
  if (
    /(^| )(no (hacen|hace|hicieron|vino|vienen|viene|contestan|contesta|responden|responde|aparece|aparecen|pasa|pasan|llega|llegan) nada|ni (una|un|siquiera|aparece|caso)|no hacen caso)/.test(
      joined,
    )
  )
    cues.push('neglect-phrase');
  if (/(^| )(ya|llevamos|llevo|lleva|llevan|van|vamos para|hace|hacen|desde hace) /.test(joined) && durationWords(words))
    cues.push('duration');
  if (/(^| )(ya van|llevamos|vamos para|ya llevamos|ya son)( |$)/.test(joined)) cues.push('ya-van');
  if (
    /(^| )(otra vez|de nuevo|siempre lo mismo|como siempre|todos los dias lo mismo|una vez mas|sigue igual|seguimos igual|seguimos sin|sigue sin)( |$)/.test(
      joined,
    )
  )
    cues.push('again');
  if (
    /(^| )(ya (lo )?(reporte|reportamos|reclame|reclamamos|denuncie|denunciamos|llame|llamamos|pedi|pedimos)|reporte|reclame|reclamamos|veces|mil veces)( |$)/.test(
      joined,
    )
  )
    cues.push('repeated-report');
  if (sets & ANGRY || ANGRY_EMOJI.test(text)) cues.push('anger');
  const praise = (sets & PRAISING) !== 0;
  if (praise) cues.push('praise');
  if (
    (praise && GRIEVANCE.test(joined)) ||
    SARCASTIC_EMOJI.test(text) ||
    /(^| )(que casualidad|que ironia|que raro|que lindo|muy bonito|muy lindo|gracias por nada|ah mira|cuanta)( |$)/.test(joined)
  )
    cues.push('sarcasm');
  if (
    /(^| )(hay|se (cayo|rompio|quemo|hundio|tapo|inundo|abrio|reviento|fundio|robaron|llevaron)|esta (roto|rota|apagad|tapad|caid|fundid))/.test(
      joined,
    )
  )
    cues.push('states-fact');
  if (/(^| )(frente a|frente al|esquina|calle \d+|al \d+|a la altura|entre calles|cuadra)( |$)/.test(joined)) cues.push('place');
  if (FORMAL.some((f) => joined.includes(f))) cues.push('formal');
  if (text.includes('#')) cues.push('hashtag');
  if (text.includes('@')) cues.push('mention');
  if (isShouting(text)) cues.push('shouting');
  if (/[!¡]{2,}/.test(text)) cues.push('exclaim');
  if (first && !asks && !IMPERATIVES.has(first) && !question && !(sets & VERB)) cues.push(sets & DEFECT ? 'nominal-defect' : 'nominal');
  if (words.length <= 3) cues.push('short');
  else if (words.length >= 30) cues.push('long');
  return cues;
}

/** "3 días", "dos semanas", "un mes": a span of time the citizen has been waiting. */
function durationWords(words: readonly string[]): boolean {
  for (let i = 1; i < words.length; i++) {
    if (!TIME_UNITS.has(words[i]!)) continue;
    const before = words[i - 1]!;
    if (COUNT_WORDS.has(before) || /^\d+$/.test(before)) return true;
  }
  return false;
}
