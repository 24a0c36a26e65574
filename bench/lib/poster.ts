/**
 * The bench's API client, in a process of its own, so that serialising and posting the documents is
 * not counted in xport's CPU time (as when an integrator's system posts them). The parent sends the
 * request bodies first (`load`, outside the measured window), then `post`; each is answered with
 * `{ ok: true }` once every request of it was accepted (HTTP 202), or `{ ok: false, error }`.
 */
interface Load {
  type: 'load';
  url: string;
  token: string;
  bodies: string[];
  parallel: number;
}
type Message = Load | { type: 'post' } | { type: 'exit' };

let loaded: Load | null = null;

async function postAll(l: Load): Promise<void> {
  let next = 0;
  const sender = async (): Promise<void> => {
    for (let i = next++; i < l.bodies.length; i = next++) {
      const res = await fetch(`${l.url}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${l.token}`, 'content-type': 'application/json' }, body: l.bodies[i] });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: l.parallel }, sender));
}

process.on('message', (m: Message) => {
  if (m.type === 'exit') process.exit(0);
  if (m.type === 'load') {
    loaded = m;
    process.send?.({ ok: true });
    return;
  }
  if (!loaded) return void process.send?.({ ok: false, error: 'nothing loaded' });
  postAll(loaded).then(
    () => process.send?.({ ok: true }),
    (err: unknown) => process.send?.({ ok: false, error: String(err) }),
  );
});
