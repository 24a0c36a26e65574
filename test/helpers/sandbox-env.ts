/** The environment that points an xport process at a sandbox: its API, its identity server and its app. */
export function sandboxEnv(sandbox: { url: string; clientId: string; clientSecret: string }): Record<string, string> {
  return {
    XERO_CLIENT_ID: sandbox.clientId,
    XERO_CLIENT_SECRET: sandbox.clientSecret,
    XERO_API_URL: sandbox.url,
    XERO_IDENTITY_URL: sandbox.url,
    XERO_LOGIN_URL: sandbox.url,
  };
}
