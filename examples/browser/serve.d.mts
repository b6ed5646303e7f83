/** The folder the demo serves by default: the package's root. */
export declare const PACKAGE_ROOT: string;

export interface ServeOptions {
  /** The folder to serve (default: the package's root). */
  root?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 5173; 0 picks a free port. */
  port?: number;
  /** Where `/` redirects (default: the demo). */
  index?: string;
}

/**
 * Serves the files under `root`; resolves to the base URL and a `close()` that stops the server.
 *
 * @example
 * const { url, close } = await serve({ port: 0 });
 */
export declare function serve(options?: ServeOptions): Promise<{ url: string; close(): Promise<void> }>;
