/**
 * /Payments: list (paged, where, order, If-Modified-Since), get by id, create (PUT, or POST on the
 * collection; batched with summarizeErrors) and delete (POST /Payments/{id} with Status DELETED).
 * A payment changes the paid document, so it raises that document's UPDATE webhook event.
 */
import { renderPayment } from '../format/render-payments';
import { elementsOf, str } from '../http/input';
import { envelope, notFound, ok, validationMessage, type ApiReply } from '../http/replies';
import { applyPayment, buildPayment, PAYMENT_MSG, paymentDoc, reversePayment } from '../rules/payments';
import { isGuid } from '../state/ids';
import type { Dict, PaymentRec } from '../state/types';
import { documentEvent } from '../webhooks/events';
import { runBatch, type ElementOutcome } from './batch';
import { listReply } from './list';
import type { ApiRequest, ApiRoute } from './types';

const BATCH = { collection: 'Payments', errorFlag: 'HasValidationErrors', idField: 'PaymentID' } as const;

function createOne(req: ApiRequest, input: Dict): ElementOutcome {
  const now = req.ctx.clock.now();
  const built = buildPayment(req.org, input, now, req.appId);
  if (!built.ok) return built;
  applyPayment(req.org, built.payment, built.paid.doc, now);
  req.events.push(documentEvent(built.paid.doc, req.org.tenantId));
  return { ok: true, rendered: renderPayment(req.org, built.payment) };
}

function create(req: ApiRequest): ApiReply {
  const elements = elementsOf(req.body, 'Payments');
  if (!elements) return validationMessage('The request body could not be read as Payments.');
  return runBatch(req, elements, BATCH, (el) => createOne(req, el));
}

function find(req: ApiRequest, id: string): PaymentRec | undefined {
  return isGuid(id) ? req.org.payments.get(id.toLowerCase()) : undefined;
}

function deleteOne(req: ApiRequest, p: PaymentRec, input: Dict): ElementOutcome {
  if (str(input.Status)?.toUpperCase() !== 'DELETED') return { ok: false, errors: [PAYMENT_MSG.updateStatus] };
  const error = reversePayment(req.org, p, req.ctx.clock.now());
  if (error) return { ok: false, errors: [error] };
  const doc = paymentDoc(req.org, p);
  if (doc) req.events.push(documentEvent(doc, req.org.tenantId));
  return { ok: true, rendered: renderPayment(req.org, p) };
}

function update(req: ApiRequest): ApiReply {
  const p = find(req, req.params[0] ?? '');
  if (!p) return notFound();
  const elements = elementsOf(req.body, 'Payments');
  if (!elements?.length) return validationMessage('The request body could not be read as Payments.');
  return runBatch(req, elements.slice(0, 1), BATCH, (el) => deleteOne(req, p, el));
}

const list = (req: ApiRequest) =>
  listReply(
    {
      collection: 'Payments',
      records: req.org.payments.values(),
      id: (p) => p.PaymentID,
      status: (p) => p.Status,
      updated: (p) => p.UpdatedDateUTC,
      createdBy: (p) => p.createdBy,
      render: (p) => renderPayment(req.org, p),
      paged: true,
    },
    req,
  );

const getOne = (req: ApiRequest): ApiReply => {
  const p = find(req, req.params[0] ?? '');
  return p ? ok(envelope(req.appId, req.ctx.clock.now(), { Payments: [renderPayment(req.org, p)] })) : notFound();
};

const W = ['accounting.transactions', 'accounting.payments'];
const R = [...W, 'accounting.transactions.read', 'accounting.payments.read'];

export const paymentRoutes: ApiRoute[] = [
  { method: 'GET', resource: 'payments', arity: 0, scopes: R, handler: list },
  { method: 'GET', resource: 'payments', arity: 1, scopes: R, handler: getOne },
  { method: 'PUT', resource: 'payments', arity: 0, scopes: W, handler: create },
  { method: 'POST', resource: 'payments', arity: 0, scopes: W, handler: create },
  { method: 'POST', resource: 'payments', arity: 1, scopes: W, handler: update },
];
