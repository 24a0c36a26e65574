import { ConfigError, loadConfig, type Config } from '../config/config';

/** The one place the CLI reads process.env. Bad configuration exits 2 with every problem named. */
export function configFromEnv(overrides: Partial<Config> = {}, envOverrides: Record<string, string> = {}): Readonly<Config> {
  try {
    return loadConfig({ ...process.env, ...envOverrides }, overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
