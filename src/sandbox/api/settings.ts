/** Organisation, Accounts, TaxRates, TrackingCategories and Currencies. */
import { renderAccount, renderCurrency, renderOrganisation, renderTaxRate, renderTracking } from '../format/render';
import { elementsOf, isDict, str } from '../http/input';
import { envelope, notFound, ok, validationException, type ApiReply } from '../http/replies';
import { MSG } from '../rules/messages';
import { newId } from '../state/ids';
import type { AccountClass, AccountRec, Dict } from '../state/types';
import { listReply } from './list';
import type { ApiRequest, ApiRoute } from './types';

const reply = (req: ApiRequest, content: Dict): ApiReply => ok(envelope(req.appId, req.ctx.clock.now(), content));

const CLASS_OF: Record<string, AccountClass> = {
  BANK: 'ASSET',
  CURRENT: 'ASSET',
  FIXED: 'ASSET',
  INVENTORY: 'ASSET',
  NONCURRENT: 'ASSET',
  PREPAYMENT: 'ASSET',
  CURRLIAB: 'LIABILITY',
  LIABILITY: 'LIABILITY',
  TERMLIAB: 'LIABILITY',
  PAYG: 'LIABILITY',
  EQUITY: 'EQUITY',
  DEPRECIATN: 'EXPENSE',
  DIRECTCOSTS: 'EXPENSE',
  EXPENSE: 'EXPENSE',
  OVERHEADS: 'EXPENSE',
  OTHERINCOME: 'REVENUE',
  REVENUE: 'REVENUE',
  SALES: 'REVENUE',
};

function accountFailure(input: Dict, message: string): ApiReply {
  return validationException([{ ...input, ValidationErrors: [{ Message: message }] }]);
}

/** Xero takes one account per request: a bare Account object, or the first of Accounts. */
function putAccount(req: ApiRequest): ApiReply {
  const input = (isDict(req.body) && Array.isArray(req.body.Accounts) ? elementsOf(req.body, 'Accounts')?.[0] : req.body) ?? {};
  if (!isDict(input)) return accountFailure({}, 'Account must be valid.');
  const code = str(input.Code);
  const name = str(input.Name);
  const type = str(input.Type)?.toUpperCase() ?? '';
  if (!code || !name || !CLASS_OF[type]) return accountFailure(input, MSG.accountInvalid);
  if (req.org.accounts.some((a) => a.Code.toLowerCase() === code.toLowerCase() && a.Status !== 'DELETED')) return accountFailure(input, MSG.accountCodeTaken);
  if (req.org.accounts.some((a) => a.Name.toLowerCase() === name.toLowerCase() && a.Status !== 'DELETED')) return accountFailure(input, MSG.uniqueName);
  const acc: AccountRec = {
    AccountID: newId(),
    Code: code,
    Name: name,
    Type: type,
    Class: CLASS_OF[type] ?? 'EXPENSE',
    Status: 'ACTIVE',
    TaxType: str(input.TaxType) ?? 'NONE',
    ...(str(input.Description) ? { Description: str(input.Description) } : {}),
    EnablePaymentsToAccount: input.EnablePaymentsToAccount === true,
    ShowInExpenseClaims: input.ShowInExpenseClaims === true,
    UpdatedDateUTC: req.ctx.clock.now(),
  };
  req.org.accounts.push(acc);
  return reply(req, { Accounts: [renderAccount(acc)] });
}

function findAccountByKey(req: ApiRequest): AccountRec | undefined {
  const key = (req.params[0] ?? '').toLowerCase();
  return req.org.accounts.find((a) => a.AccountID === key && a.Status !== 'DELETED');
}

function postAccount(req: ApiRequest): ApiReply {
  const acc = findAccountByKey(req);
  if (!acc) return notFound();
  const input = (isDict(req.body) && Array.isArray(req.body.Accounts) ? elementsOf(req.body, 'Accounts')?.[0] : req.body) ?? {};
  if (!isDict(input)) return accountFailure({}, MSG.accountInvalid);
  const status = str(input.Status)?.toUpperCase();
  if (status === 'ARCHIVED' || status === 'ACTIVE') acc.Status = status;
  const name = str(input.Name);
  if (name && req.org.accounts.some((a) => a !== acc && a.Name.toLowerCase() === name.toLowerCase())) return accountFailure(input, MSG.uniqueName);
  if (name) acc.Name = name;
  const desc = str(input.Description);
  if (desc !== undefined) acc.Description = desc;
  const tax = str(input.TaxType);
  if (tax) acc.TaxType = tax;
  acc.UpdatedDateUTC = req.ctx.clock.now();
  return reply(req, { Accounts: [renderAccount(acc)] });
}

function deleteAccount(req: ApiRequest): ApiReply {
  const acc = findAccountByKey(req);
  if (!acc) return notFound();
  acc.Status = 'DELETED';
  acc.UpdatedDateUTC = req.ctx.clock.now();
  return reply(req, { Accounts: [renderAccount(acc)] });
}

const listAccounts = (req: ApiRequest) =>
  listReply(
    {
      collection: 'Accounts',
      records: req.org.accounts,
      id: (a) => a.AccountID,
      status: (a) => a.Status,
      updated: (a) => a.UpdatedDateUTC,
      visible: (a) => a.Status !== 'DELETED',
      render: (a) => renderAccount(a),
      paged: false,
    },
    req,
  );

const getAccount = (req: ApiRequest) => {
  const acc = findAccountByKey(req);
  return acc ? reply(req, { Accounts: [renderAccount(acc)] }) : notFound();
};

const listTaxRates = (req: ApiRequest) => {
  const taxType = req.query.taxtype?.toUpperCase();
  return listReply(
    {
      collection: 'TaxRates',
      records: req.org.taxRates.filter((t) => !taxType || t.TaxType === taxType),
      id: (t) => t.TaxType,
      status: (t) => t.Status,
      render: (t) => renderTaxRate(t),
      paged: false,
    },
    req,
  );
};

const listTracking = (req: ApiRequest) =>
  listReply(
    {
      collection: 'TrackingCategories',
      records: req.org.tracking,
      id: (c) => c.TrackingCategoryID,
      status: (c) => c.Status,
      visible: (c, r) => c.Status === 'ACTIVE' || r.query.includearchived?.toLowerCase() === 'true',
      render: (c) => renderTracking(c, req.query.includearchived?.toLowerCase() === 'true'),
      paged: false,
    },
    req,
  );

const getTracking = (req: ApiRequest) => {
  const c = req.org.tracking.find((t) => t.TrackingCategoryID === (req.params[0] ?? '').toLowerCase());
  return c ? reply(req, { TrackingCategories: [renderTracking(c)] }) : notFound();
};

const listCurrencies = (req: ApiRequest) =>
  listReply(
    {
      collection: 'Currencies',
      records: req.org.currencies,
      id: (c) => c.Code,
      render: (c) => renderCurrency(c),
      paged: false,
    },
    req,
  );

function putCurrency(req: ApiRequest): ApiReply {
  const input = isDict(req.body) && Array.isArray(req.body.Currencies) ? elementsOf(req.body, 'Currencies')?.[0] : req.body;
  const code = isDict(input) ? str(input.Code)?.toUpperCase() : undefined;
  if (!code || !/^[A-Z]{3}$/.test(code)) return validationException([{ ...(isDict(input) ? input : {}), ValidationErrors: [{ Message: 'Currency code must be valid.' }] }]);
  if (!req.org.currencies.some((c) => c.Code === code)) req.org.currencies.push({ Code: code, Description: str(isDict(input) ? input.Description : undefined) ?? code });
  const cur = req.org.currencies.find((c) => c.Code === code);
  return reply(req, { Currencies: cur ? [renderCurrency(cur)] : [] });
}

const S = ['accounting.settings'];
const SR = ['accounting.settings', 'accounting.settings.read'];

export const settingsRoutes: ApiRoute[] = [
  {
    method: 'GET',
    resource: 'organisation',
    arity: 0,
    scopes: [...SR, 'accounting.transactions', 'accounting.transactions.read', 'accounting.contacts', 'accounting.contacts.read'],
    handler: (req) => reply(req, { Organisations: [renderOrganisation(req.org)] }),
  },
  { method: 'GET', resource: 'accounts', arity: 0, scopes: SR, handler: listAccounts },
  { method: 'GET', resource: 'accounts', arity: 1, scopes: SR, handler: getAccount },
  { method: 'PUT', resource: 'accounts', arity: 0, scopes: S, handler: putAccount },
  { method: 'POST', resource: 'accounts', arity: 1, scopes: S, handler: postAccount },
  { method: 'DELETE', resource: 'accounts', arity: 1, scopes: S, handler: deleteAccount },
  { method: 'GET', resource: 'taxrates', arity: 0, scopes: SR, handler: listTaxRates },
  { method: 'GET', resource: 'trackingcategories', arity: 0, scopes: SR, handler: listTracking },
  { method: 'GET', resource: 'trackingcategories', arity: 1, scopes: SR, handler: getTracking },
  { method: 'GET', resource: 'currencies', arity: 0, scopes: SR, handler: listCurrencies },
  { method: 'PUT', resource: 'currencies', arity: 0, scopes: S, handler: putCurrency },
];
