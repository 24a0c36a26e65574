/** Every Accounting API route the sandbox serves. */
import { contactRoutes } from './contacts';
import { documentRoutes } from './documents';
import { journalRoutes } from './journals';
import { paymentRoutes } from './payments';
import { reportRoutes } from './reports';
import { settingsRoutes } from './settings';
import type { ApiRoute } from './types';

export const API_ROUTES: ApiRoute[] = [...settingsRoutes, ...contactRoutes, ...documentRoutes, ...journalRoutes, ...paymentRoutes, ...reportRoutes];
