/**
 * The server of a bench as its own process (what a user runs as `xport serve`, without workers),
 * so its memory is measured apart from the bench's own: started with `fork`, it sends `{ url }`
 * once listening and answers every `'memory'` message with `process.memoryUsage()`.
 */
import { startRuntime, startServer } from './http';

const databaseUrl = process.argv[2];
if (!databaseUrl || !process.send) throw new Error('usage: fork(serve-child.ts, [DATABASE_URL])');
const rt = await startRuntime(databaseUrl);
const server = await startServer(rt);
process.send({ url: server.url });
process.on('message', (m) => {
  if (m === 'memory') process.send?.({ memory: process.memoryUsage() });
  if (m === 'stop')
    void server
      .close()
      .then(() => rt.close())
      .then(() => process.exit(0));
});
