// The ceiling the bench compares Ventanilla with: the same Node and Fastify answering a JSON POST
// with no work at all.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/noop', async () => ({ ok: true }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening on ${address}`);
