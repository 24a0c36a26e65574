/** Generated scenarios for the whole-engine property test (see engine.property.test.ts). */
import fc from 'fast-check';
import { ITEM_KINDS, contactDocument, itemDocument, journalDocument, type ItemKind } from './documents';
import { hostileText } from './hostile';
import type { Fault } from './engine-world';

export type Doc = Record<string, unknown> & { kind: string; sourceId: string };

export interface Scenario {
  contacts: Doc[];
  documents: Doc[];
  /** Changed content for some of the documents and contacts, posted after the first round. */
  revisions: Doc[];
  faults: [Fault, Fault];
  /** A period lock date set in Xero after xport read the organisation (null: none). */
  lockDate: string | null;
  lockDatePolicy: 'fail' | 'move_to_first_open_day';
  /** false: the source system has no revision numbers (xport derives them from the content). */
  numbered: boolean;
}

const FAULTS: Fault[] = ['none', 'error500', 'unavailable503', 'drop', 'hang', 'rate429', 'crash'];
const DATES = ['2026-11-10', '2026-11-18', '2026-11-24', '2026-11-30'];

/** A hostile source id, unique in the scenario by a marker at its start or its end. */
function sourceId(max: number, marker: string): fc.Arbitrary<string> {
  return fc.tuple(hostileText(max - 4), fc.boolean()).map(([t, front]) => (front ? `${marker}#${t}` : `${t}#${marker}`));
}

const asDoc = (d: unknown, revision: number): Doc => ({ ...(d as Doc), revision });

type Plan = { kind: ItemKind | 'journal'; contact: number; date: string; revise: 'no' | 'change' | 'same'; moveContact: boolean };

const plan = fc.record({
  kind: fc.constantFrom<ItemKind | 'journal'>(...ITEM_KINDS, 'journal'),
  contact: fc.nat({ max: 1 }),
  date: fc.constantFrom(...DATES),
  // 'same': the same content posted again (a duplicate, nothing changes).
  revise: fc.constantFrom<Plan['revise']>('no', 'change', 'same'),
  // The changed revision is for another customer or supplier.
  moveContact: fc.boolean(),
});

function docOf(p: Plan, id: string, contacts: { customer: string[]; supplier: string[] }): fc.Arbitrary<Record<string, unknown>> {
  if (p.kind === 'journal') return journalDocument(id, p.date);
  const side = p.kind === 'sales_invoice' || p.kind === 'sales_credit' ? contacts.customer : contacts.supplier;
  return itemDocument(p.kind, id, side[p.contact % side.length] ?? '', p.date);
}

export function scenario(): fc.Arbitrary<Scenario> {
  return fc
    .record({
      customers: fc.tuple(sourceId(40, 'c0'), fc.option(sourceId(40, 'c1'), { nil: undefined })),
      suppliers: fc.tuple(sourceId(40, 's0'), fc.option(sourceId(40, 's1'), { nil: undefined })),
      plans: fc.array(plan, { minLength: 1, maxLength: 6 }),
      faults: fc.tuple(fc.constantFrom(...FAULTS), fc.constantFrom(...FAULTS)),
      lockDate: fc.option(fc.constantFrom('2026-11-15', '2026-11-26'), { nil: null }),
      lockDatePolicy: fc.constantFrom<'fail' | 'move_to_first_open_day'>('fail', 'move_to_first_open_day'),
      reviseContact: fc.boolean(),
      numbered: fc.boolean(),
    })
    .chain((r) => {
      const customer = r.customers.filter((c): c is string => c !== undefined);
      const supplier = r.suppliers.filter((c): c is string => c !== undefined);
      const ids = r.plans.map((p, i) => sourceId(p.kind === 'journal' ? 200 : 255, `d${i}`));
      return fc
        .record({
          contacts: fc.tuple(...customer.map((c) => contactDocument('customer', c)), ...supplier.map((c) => contactDocument('supplier', c))),
          sourceIds: fc.tuple(...ids),
          renamed: contactDocument('customer', customer[0] ?? ''),
        })
        .chain(({ contacts, sourceIds, renamed }) => {
          const firsts = r.plans.map((p, i) => docOf(p, sourceIds[i] ?? '', { customer, supplier }));
          const seconds = r.plans.map((p, i) => docOf({ ...p, contact: p.moveContact ? p.contact + 1 : p.contact }, sourceIds[i] ?? '', { customer, supplier }));
          const rev = (d: unknown, n: number) => (r.numbered ? asDoc(d, n) : (d as Doc));
          return fc.tuple(fc.tuple(...firsts), fc.tuple(...seconds)).map(([first, second]) => ({
            contacts: contacts.map((c) => rev(c, 1)),
            documents: first.map((d) => rev(d, 1)),
            revisions: [...r.plans.flatMap((p, i) => (p.revise === 'change' ? [rev(second[i], 2)] : p.revise === 'same' ? [rev(first[i], 1)] : [])), ...(r.reviseContact ? [rev(renamed, 2)] : [])],
            faults: r.faults,
            lockDate: r.lockDate,
            lockDatePolicy: r.lockDatePolicy,
            numbered: r.numbered,
          }));
        });
    });
}
