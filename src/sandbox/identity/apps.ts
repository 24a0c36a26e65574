/** The OAuth apps the sandbox knows: the demo app from the options, plus any added through /_sandbox/apps. */
export interface AppRec {
  clientId: string;
  /** null: a PKCE-only app with no secret. */
  clientSecret: string | null;
  name: string;
  /** Allowed redirect URIs; empty allows any (convenient for local tests). */
  redirectUris: string[];
}

export class AppRegistry {
  private readonly apps = new Map<string, AppRec>();

  constructor(private readonly demo: AppRec) {
    this.reset();
  }

  reset(): void {
    this.apps.clear();
    this.apps.set(this.demo.clientId, { ...this.demo });
  }

  get(clientId: string): AppRec | undefined {
    return this.apps.get(clientId);
  }

  put(app: AppRec): void {
    this.apps.set(app.clientId, app);
  }

  list(): AppRec[] {
    return [...this.apps.values()];
  }
}
