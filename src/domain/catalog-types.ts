/** Shapes of the error catalog (see catalog.ts for the look-ups and catalog-*.ts for the table). */
import type { ErrorClass } from './types.ts';

export type NetworkFailureKind = 'timeout' | 'connection_reset' | 'connection_refused' | 'unknown';

/** How an entry is recognised. Every present condition must hold. */
export interface CatalogMatch {
  /** Whole-response HTTP statuses this entry applies to. Absent: element messages (any status). */
  status?: readonly number[];
  /** Xero's text (an element's ValidationErrors, or the response body); named groups fill `{placeholders}`. */
  messages?: readonly RegExp[];
  /** A response header (lower-case name) and the pattern its value must match. */
  header?: { name: string; pattern: RegExp };
  network?: readonly NetworkFailureKind[];
  /** True when xport raises this itself before sending (pre-validation). */
  prevalidation?: boolean;
  /** Human description of the trigger for docs/errors.md, e.g. an example message. */
  trigger: string;
}

/** `C`: the codes the entry may carry (catalog.ts narrows it to the codes the catalog defines). */
export interface CatalogEntry<C extends string = string> {
  /** Stable snake_case code, shown in the API, the log and docs/errors.md. */
  code: C;
  class: ErrorClass;
  match: CatalogMatch;
  title: string;
  /** Why it happens; may use `{placeholders}`. */
  cause: string;
  /** What the bookkeeper does, concretely; may use `{placeholders}`. */
  action: string;
  /** The message xport writes when it raises this itself, or when Xero's answer carries no text. */
  template?: string;
  /** A generic Xero message (e.g. "Account must be valid."): any specific message in the same element wins. */
  generic?: boolean;
}
