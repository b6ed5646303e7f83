/** The folder the demo serves by default: the package's root. */
export declare const PACKAGE_ROOT: string;

/** The files the demo page loads, relative to the package's root: all that `serve` answers by default. */
export declare const DEMO_FILES: readonly string[];

export interface ServeOptions {
  /** The folder to serve (default: the package's root). */
  root?: string;
  /** The files served, relative to `root`, each at `/` + its path (default: DEMO_FILES). */
  files?: readonly string[];
  /** Default 127.0.0.1; requests must name it (or localhost) with the port in their Host header. */
  host?: string;
  /** Default 5173; 0 picks a free port. */
  port?: number;
  /** Where `/` redirects (default: the demo). */
  index?: string;
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`
   * with every answer, so that the pages served are cross-origin isolated (default false).
   */
  crossOriginIsolated?: boolean;
}

/**
 * Serves the listed files under `root` (GET and HEAD); resolves to the base URL and a `close()`
 * that stops the server.
 *
 * @example
 * const { url, close } = await serve({ port: 0 });
 * const isolated = await serve({ port: 0, crossOriginIsolated: true });
 */
export declare function serve(options?: ServeOptions): Promise<{ url: string; close(): Promise<void> }>;
