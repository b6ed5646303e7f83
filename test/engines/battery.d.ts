import type * as Lib from '../../src/index.js';

export type Build = 'wasm-simd' | 'wasm-scalar' | 'ts';
export const BUILDS: Record<Build, Lib.RNNOptions>;

export interface ModelSpec { name: string; sizes: [number, number, number]; options: Lib.RNNOptions }
export const MODELS: readonly ModelSpec[];

export interface OptimizerSpec { name: string; iterations: number; options: Omit<Lib.TrainOptions, 'iterations'> }
export const OPTIMIZERS: readonly OptimizerSpec[];

/** A sampling edge: see battery.js. `class` is the class whose weight sits on the boundary. */
export interface SamplingEdge { name: string; by: [number, number]; temperature: number; seed: number; step: number; class: number }
export const SAMPLING_EDGES: readonly SamplingEdge[];

export function caseNames(): string[];
export function runCases(lib: typeof Lib, build: Build): Promise<Record<string, number[]>>;

export interface BatteryOptions { builds?: Build[]; detail?: boolean }
export interface DetailedDigest { digest: string; bits: string[] }
export interface BatteryResult {
  /** Per build, per case: the sha256 of the case's bits (with `detail`, also the bits). */
  builds: Partial<Record<Build, Record<string, string | DetailedDigest>>>;
  /** Builds this engine could not run, with the error. */
  unavailable: Partial<Record<Build, string>>;
  /** Whether the engine validates a module that uses SIMD. */
  simd: boolean;
}
export function runBattery(lib: typeof Lib, options?: BatteryOptions): Promise<BatteryResult>;
export function bitsHex(values: ArrayLike<number>): string[];
