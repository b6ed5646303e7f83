// The elementary functions the kernels use, in one place so that both builds can swap them
// together. Mirrors assembly/mathf.ts: the engine's Math here, musl's port there, which agree to
// about 1e-15 relative, not to the bit.

export const tanh = Math.tanh;
export const exp = Math.exp;
export const log = Math.log;
