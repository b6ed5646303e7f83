// The elementary functions the kernels use, in one place so that both builds can swap them
// together. Mirrored by src/backends/ts/mathf.ts. AssemblyScript's Math is a port of musl's, and
// JavaScript engines' Math may differ from it by a few ulp: the builds agree to about 1e-15
// relative, not to the bit.

// @ts-ignore: decorator
@inline export function tanh(x: f64): f64 {
  return Math.tanh(x);
}

// @ts-ignore: decorator
@inline export function exp(x: f64): f64 {
  return Math.exp(x);
}

// @ts-ignore: decorator
@inline export function log(x: f64): f64 {
  return Math.log(x);
}
