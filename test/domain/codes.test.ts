/**
 * The catalog's and the API's codes are literal unions taken from their tables: a code that is not
 * in the table does not compile (each `@ts-expect-error` below fails `npm run typecheck` if the
 * line it marks compiles), and the tables are what the code uses at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, PREVALIDATION_CODES, isCatalogCode, isXportFailureCode, prevalidationFailure, type CatalogCode, type Classified } from '../../src/domain/catalog.ts';
import { API_ERRORS, HttpError, errorBody, frameworkErrorCode } from '../../src/web/errors.ts';

test('an unknown catalog code does not compile, and is not a catalog code at run time', () => {
  // @ts-expect-error not a catalog code
  const typo: CatalogCode = 'document_to_large';
  // @ts-expect-error a catalog code, but Xero's (no template of xport's): not a pre-validation failure
  assert.throws(() => prevalidationFailure('organisation_offline', {}), /not a pre-validation failure/);
  // @ts-expect-error Classified.code takes catalog codes only
  const classified: Classified = { code: 'xero_validation_eror', class: 'validation', message: '', cause: '', action: '' };
  assert.equal(isCatalogCode(typo), false);
  assert.equal(isCatalogCode(classified.code), false);
  assert.equal(isCatalogCode('document_too_large'), true);
  assert.equal(prevalidationFailure('document_too_large', { size: '4000000', limit: '3500000' }).code, 'document_too_large');
});

test('the unions are the tables: every catalog code, and only those, is one', () => {
  assert.deepEqual(
    PREVALIDATION_CODES,
    CATALOG.filter((e) => e.match.prevalidation).map((e) => e.code),
  );
  for (const e of CATALOG) assert.equal(isXportFailureCode(e.code), e.template !== undefined, e.code);
});

test('an API error takes only a code of the API table, with the status the table gives it', () => {
  // @ts-expect-error not an API error code
  assert.ok(new HttpError(404, 'not_fund', 'x'));
  // @ts-expect-error not_found is sent as 404
  assert.ok(new HttpError(400, 'not_found', 'x'));
  // @ts-expect-error the envelope takes the same codes
  assert.ok(errorBody('revision_conflikt', 'x'));
  const e = new HttpError(409, 'revision_conflict', 'changed');
  assert.equal(e.statusCode, API_ERRORS[e.code]);
  assert.deepEqual(errorBody(e.code, e.message), { error: { code: 'revision_conflict', message: 'changed' } });
});

test("the framework's own 4xx codes pass on in lower case; JSON parse errors are invalid_json", () => {
  assert.equal(frameworkErrorCode('FST_ERR_CTP_INVALID_JSON_BODY'), 'invalid_json');
  assert.equal(frameworkErrorCode('FST_ERR_CTP_EMPTY_JSON_BODY'), 'invalid_json');
  assert.equal(frameworkErrorCode('FST_ERR_CTP_BODY_TOO_LARGE'), 'fst_err_ctp_body_too_large');
  assert.equal(frameworkErrorCode(undefined), 'bad_request');
});
