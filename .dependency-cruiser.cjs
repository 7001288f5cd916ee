/**
 * The pipeline's layering (issue 14, ADR 0011), checked by `npm run lint:layers` in the test
 * command and by tests/architecture/layering.test.ts. The way is one-directional:
 *   channel → conversation (receive) → dialog (pure) → case → follow-up → queue → channel.
 * Shared kernel every layer may use: config, errors, i18n, language packs and text folding, backoff, paths, html, csv.
 */
const KERNEL = '^src/(config|errors|backoff|paths|html|version|business-hours|csv)\\.ts$|^src/(i18n|language)/';
/**
 * Vocabularies: the modules that declare the values and JSON shapes the database stores (case
 * types and events, roles, channels and message payloads, conversation statuses and events, job
 * payloads). Each lives with the layer that owns it; the schema takes its enums and column types
 * from them, so they may import nothing but the kernel and each other.
 */
const VOCABULARY = [
  '^src/messages/',
  '^src/auth/roles\\.ts$',
  '^src/cases/(case-type|case-events|callback-steps)\\.ts$',
  '^src/conversations/conversation-events\\.ts$',
  '^src/dialogs/conversation-status\\.ts$',
  '^src/queue/payload\\.ts$',
  '^src/citizens/registration\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle ties two modules into one; split the shared part out.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'channels-only-enter-the-pipeline',
      severity: 'error',
      comment: 'A channel adapter maps payloads: it may use messages/, conversations/ (its way in), its own files and the kernel.',
      from: { path: '^src/channels/' },
      to: { path: '^src/', pathNot: [`^src/(channels|messages|conversations)/`, KERNEL] },
    },
    {
      name: 'channels-do-not-know-each-other',
      severity: 'error',
      comment: 'Each channel is its own adapter; what they share lives in src/channels/channel.ts or src/messages/.',
      from: { path: '^src/channels/([^/]+)/' },
      to: { path: '^src/channels/[^/]+/', pathNot: '^src/channels/$1/' },
    },
    {
      name: 'cases-know-no-transport',
      severity: 'error',
      comment: 'The case domain imports no channel, no HTTP code and nothing earlier in the pipeline.',
      from: { path: '^src/cases/' },
      to: { path: ['^src/(channels|server|conversations|dialogs)/', 'node_modules/(fastify|@fastify)/'] },
    },
    {
      name: 'queue-knows-no-domain',
      severity: 'error',
      comment: 'The job queue runs kinds it is given; it imports only the database and the kernel.',
      from: { path: '^src/queue/' },
      to: { path: '^src/', pathNot: ['^src/(queue|db)/', KERNEL] },
    },
    {
      name: 'outbox-reaches-no-case',
      severity: 'error',
      comment: 'Deliveries tell what happened through domain events; they never write case history.',
      from: { path: '^src/outbox/' },
      to: { path: '^src/(cases|conversations|dialogs|channels|server|understanding)/' },
    },
    {
      name: 'messages-are-the-contract',
      severity: 'error',
      comment: 'The message types every layer shares depend on nothing but the kernel.',
      from: { path: '^src/messages/' },
      to: { path: '^src/', pathNot: ['^src/messages/', KERNEL] },
    },
    {
      name: 'dialog-engine-is-pure',
      severity: 'error',
      comment: 'The engine decides; it stores nothing and sends nothing.',
      from: { path: '^src/dialogs/' },
      to: { path: ['^src/(db|server|channels|conversations|outbox|queue|events)/', 'node_modules/(pg|@electric-sql|drizzle-orm|fastify)/'] },
    },
    {
      name: 'places-are-a-low-layer',
      comment:
        'Addresses, gazetteers, geocoding and distances (issue 20) are pure knowledge of places that dialogs and cases use; they know no layer above the kernel.',
      severity: 'error',
      from: { path: '^src/places/' },
      to: { path: '^src/', pathNot: ['^src/places/', KERNEL] },
    },
    {
      name: 'storage-is-the-bottom',
      severity: 'error',
      comment: 'Storage knows no layer above it; its schema reads enums and JSON shapes from the vocabularies only.',
      from: { path: '^src/(db|events)/' },
      to: { path: '^src/', pathNot: ['^src/(db|events)/', KERNEL, ...VOCABULARY] },
    },
    {
      name: 'vocabularies-are-leaves',
      severity: 'error',
      comment: 'A vocabulary declares values and shapes; it imports only the kernel and other vocabularies, so the schema and the console can use it.',
      from: { path: VOCABULARY },
      to: { path: '^src/', pathNot: [KERNEL, ...VOCABULARY] },
    },
    {
      name: 'only-the-composition-root-knows-http',
      severity: 'error',
      comment: 'Fastify is for src/server/ and the channels\u2019 webhook routes.',
      from: { path: '^src/', pathNot: '^src/(server|channels)/|^src/main\\.ts$' },
      to: { path: 'node_modules/(fastify|@fastify)/' },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(tests|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
    exclude: { path: '\\.json$' },
  },
};
