/**
 * Batch semantics of PUT/POST (docs/xero.md#batches-and-summarizeerrors): elements are processed in order and each valid
 * one is saved. With summarizeErrors absent or true, any invalid element turns the answer into a 400
 * ValidationException listing only the invalid ones (the valid ones stay created); with
 * summarizeErrors=false the answer is 200 and every element carries StatusAttributeString.
 */
import { parseRequestDay, dayToMs, msDate } from '../format/dates';
import { envelope, ok, validationException, type ApiReply } from '../http/replies';
import type { Dict } from '../state/types';
import { summarizeErrorsOf, type ApiRequest } from './types';

export type ElementOutcome = { ok: true; rendered: Dict; warnings?: string[] } | { ok: false; errors: string[] };

export interface BatchSpec {
  collection: string;
  /** HasErrors on documents, HasValidationErrors on contacts. */
  errorFlag: 'HasErrors' | 'HasValidationErrors';
  idField: string;
}

const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

/** The failed element as Xero echoes it: the request's fields, a zero id, dates in MS-JSON form. */
function echo(input: Dict, spec: BatchSpec, errors: string[]): Dict {
  const out: Dict = { [spec.idField]: ZERO_GUID, ...input };
  for (const k of ['Date', 'DueDate']) {
    const day = input[k] !== undefined ? parseRequestDay(input[k]) : null;
    if (day) out[k] = msDate(dayToMs(day));
  }
  return { ...out, [spec.errorFlag]: true, StatusAttributeString: 'ERROR', ValidationErrors: errors.map((Message) => ({ Message })) };
}

function tagged(rendered: Dict, warnings: string[] | undefined): Dict {
  if (!warnings?.length) return { ...rendered, StatusAttributeString: 'OK' };
  return { ...rendered, StatusAttributeString: 'WARNING', Warnings: warnings.map((Message) => ({ Message })) };
}

export function runBatch(req: ApiRequest, elements: Dict[], spec: BatchSpec, process: (el: Dict) => ElementOutcome): ApiReply {
  const outcomes = elements.map((el) => ({ el, out: process(el) }));
  const now = req.ctx.clock.now();
  const provider = req.appId;
  if (!summarizeErrorsOf(req)) {
    const all = outcomes.map(({ el, out }) => (out.ok ? tagged(out.rendered, out.warnings) : echo(el, spec, out.errors)));
    return ok(envelope(provider, now, { [spec.collection]: all }));
  }
  const failed = outcomes.filter(({ out }) => !out.ok).map(({ el, out }) => echo(el, spec, out.ok ? [] : out.errors));
  if (failed.length) return validationException(failed);
  return ok(envelope(provider, now, { [spec.collection]: outcomes.map(({ out }) => (out.ok ? tagged(out.rendered, out.warnings) : {})) }));
}
