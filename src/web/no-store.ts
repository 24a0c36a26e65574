import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * onSend hook of every signed-in page and every API answer: what they show belongs to one person or
 * one organisation, so no browser or proxy cache may keep it (a shared computer's back button, a
 * caching proxy) — `Cache-Control: no-store`.
 */
export async function noStore(_req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'no-store');
}
