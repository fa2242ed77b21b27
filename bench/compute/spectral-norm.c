// spectral-norm: the spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1),
// truncated to N x N, by 10 rounds of the power method on A^T A. Written for wasm2native's
// benchmarks.
//
//   spectral-norm [N]     default 5000
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static inline double a(int i, int j) { return 1.0 / ((double)(i + j) * (i + j + 1) / 2 + i + 1); }

static void multiply_av(int n, const double *v, double *out) {
    for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) sum += a(i, j) * v[j];
        out[i] = sum;
    }
}

static void multiply_atv(int n, const double *v, double *out) {
    for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) sum += a(j, i) * v[j];
        out[i] = sum;
    }
}

static void multiply_atav(int n, const double *v, double *out, double *tmp) {
    multiply_av(n, v, tmp);
    multiply_atv(n, tmp, out);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 5000;
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *tmp);
    if (!u || !v || !tmp) return 1;
    for (int i = 0; i < n; i++) u[i] = 1;
    for (int round = 0; round < 10; round++) {
        multiply_atav(n, u, v, tmp);
        multiply_atav(n, v, u, tmp);
    }
    double vbv = 0, vv = 0;
    for (int i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("spectral-norm n=%d\n%.9f\n", n, sqrt(vbv / vv));
    free(u);
    free(v);
    free(tmp);
    return 0;
}
