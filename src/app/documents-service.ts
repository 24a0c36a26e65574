/**
 * Every document received and the state of its export, read-only, as the /documents pages show
 * them: a filtered list, one document, and its earlier revisions.
 */
import { DocumentsViewRepository, type DocumentListFilter } from '../db/repositories/documents-view';
import type { DocumentRevision, ListedDocument } from '../domain/export';
import type { Store } from '../db/store';

export type { DocumentListFilter, DocumentRevision, ListedDocument };

export class DocumentsService {
  private readonly view: DocumentsViewRepository;

  constructor(store: Store) {
    this.view = new DocumentsViewRepository(store.db, store.adapter);
  }

  list(f: DocumentListFilter): Promise<ListedDocument[]> {
    return this.view.list(f);
  }

  get(tenantId: string, documentId: number): Promise<(ListedDocument & { payload: string }) | null> {
    return this.view.get(tenantId, documentId);
  }

  revisions(tenantId: string, kind: string, sourceId: string): Promise<DocumentRevision[]> {
    return this.view.revisions(tenantId, kind, sourceId);
  }
}
