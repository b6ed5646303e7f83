/*
 * The training iteration of rnn-wasm in C, to show the distance to native code: forward over T
 * steps, loss, backpropagation through time and Rprop, over the same flat buffers and with the
 * same loops as assembly/ (the dot products keep the same four running sums). Only tanh, exp and
 * log come from libm. Built by bench/train.ts with `cc -O3` when a C compiler is present.
 *
 * usage: native I H O T iterations seed   prints the microseconds per iteration
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int I, H, O, T, P;
static double *params, *Wxh, *Whh, *Why, *bh, *by;
static double *grads, *dWxh, *dWhh, *dWhy, *dbh, *dby;
static double *rpropPrev, *rpropStep, *backup, *dy, *dh, *dhNext, *hs, *logps, *ps, *xs;
static int *targets;

static double *take(int n) {
  double *p = aligned_alloc(16, sizeof(double) * (size_t)((n + 1) & ~1));
  memset(p, 0, sizeof(double) * (size_t)n);
  return p;
}

static double dot(const double *a, const double *b, int n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += a[j] * b[j];
    s1 += a[j + 1] * b[j + 1];
    s2 += a[j + 2] * b[j + 2];
    s3 += a[j + 3] * b[j + 3];
  }
  if (j + 2 <= n) {
    s0 += a[j] * b[j];
    s1 += a[j + 1] * b[j + 1];
    j += 2;
  }
  if (j < n) s0 += a[j] * b[j];
  return (s0 + s2) + (s1 + s3);
}

static void axpy(double *out, const double *a, double s, int n) {
  for (int j = 0; j < n; j++) out[j] += a[j] * s;
}

static void forward(void) {
  for (int t = 0; t < T; t++) {
    const double *x = xs + t * I, *hPrev = hs + t * H;
    double *h = hs + (t + 1) * H, *z = logps + t * O, *p = ps + t * O;
    for (int i = 0; i < H; i++) h[i] = tanh(bh[i] + dot(Wxh + i * I, x, I) + dot(Whh + i * H, hPrev, H));
    for (int k = 0; k < O; k++) z[k] = by[k] + dot(Why + k * H, h, H);
    double max = z[0], sum = 0;
    for (int k = 1; k < O; k++) max = fmax(max, z[k]);
    for (int k = 0; k < O; k++) sum += (p[k] = exp(z[k] - max));
    double logSum = log(sum);
    for (int k = 0; k < O; k++) {
      p[k] /= sum;
      z[k] = z[k] - max - logSum;
    }
  }
}

static double loss(void) {
  double sum = 0;
  for (int t = 0; t < T; t++) sum -= logps[t * O + targets[t]];
  return sum;
}

static void backward(void) {
  memset(grads, 0, sizeof(double) * (size_t)P);
  memset(dhNext, 0, sizeof(double) * (size_t)H);
  for (int t = T - 1; t >= 0; t--) {
    const double *x = xs + t * I, *hPrev = hs + t * H, *h = hs + (t + 1) * H;
    memcpy(dy, ps + t * O, sizeof(double) * (size_t)O);
    dy[targets[t]] -= 1;
    for (int k = 0; k < O; k++) axpy(dWhy + k * H, h, dy[k], H);
    for (int k = 0; k < O; k++) dby[k] += dy[k];
    memcpy(dh, dhNext, sizeof(double) * (size_t)H);
    for (int k = 0; k < O; k++) axpy(dh, Why + k * H, dy[k], H);
    for (int i = 0; i < H; i++) dh[i] = (1 - h[i] * h[i]) * dh[i];
    for (int i = 0; i < H; i++) dbh[i] += dh[i];
    for (int i = 0; i < H; i++) axpy(dWxh + i * I, x, dh[i], I);
    for (int i = 0; i < H; i++) axpy(dWhh + i * H, hPrev, dh[i], H);
    memset(dhNext, 0, sizeof(double) * (size_t)H);
    for (int i = 0; i < H; i++) axpy(dhNext, Whh + i * H, dh[i], H);
  }
}

static double sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : NAN; }

static int rprop(double lr) {
  int finite = 1;
  for (int i = 0; i < P; i++) {
    double g = grads[i], step = rpropStep[i];
    if (step == 0) step = lr;
    double agreement = sign(g) * sign(rpropPrev[i]);
    if (agreement > 0) step *= 1.2;
    else if (agreement < 0) { step *= 0.5; g = 0; }
    step = fmin(fmax(step, 1e-6), 50);
    rpropStep[i] = step;
    rpropPrev[i] = g;
    double v = params[i] - sign(g) * step;
    params[i] = v;
    finite = finite && isfinite(v);
  }
  return finite;
}

static unsigned long long state;
static double random01(void) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(state >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s I H O T iterations seed\n", argv[0]);
    return 2;
  }
  I = atoi(argv[1]); H = atoi(argv[2]); O = atoi(argv[3]); T = atoi(argv[4]);
  int iterations = atoi(argv[5]);
  state = strtoull(argv[6], NULL, 10);
  P = H * I + H * H + O * H + H + O;
  params = take(P); Wxh = params; Whh = Wxh + H * I; Why = Whh + H * H; bh = Why + O * H; by = bh + H;
  grads = take(P); dWxh = grads; dWhh = dWxh + H * I; dWhy = dWhh + H * H; dbh = dWhy + O * H; dby = dbh + H;
  rpropPrev = take(P); rpropStep = take(P); backup = take(P);
  dy = take(O); dh = take(H); dhNext = take(H);
  hs = take((T + 1) * H); logps = take(T * O); ps = take(T * O); xs = take(T * I);
  targets = malloc(sizeof(int) * (size_t)T);
  double bound = 1 / sqrt((double)H);
  for (int i = 0; i < P; i++) params[i] = bound * (2 * random01() - 1);
  for (int i = 0; i < T * I; i++) xs[i] = 2 * random01() - 1;
  for (int t = 0; t < T; t++) targets[t] = (int)(random01() * O);

  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  double last = 0;
  for (int n = 0; n < iterations; n++) {
    forward();
    last = loss();
    if (!isfinite(last)) break;
    memcpy(backup, params, sizeof(double) * (size_t)P); /* as RNN.train keeps the weights to put back */
    backward();
    if (!rprop(0.01)) memcpy(params, backup, sizeof(double) * (size_t)P);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  double us = ((double)(end.tv_sec - start.tv_sec) * 1e9 + (double)(end.tv_nsec - start.tv_nsec)) / 1e3;
  printf("%.4f %.6g\n", us / iterations, last);
  return 0;
}
