// matmul: dense double-precision matrix multiply C = A x B of N x N matrices (row-major,
// i-k-j loop order so the inner loop streams rows), repeated with C fed back as the next A.
// Written for wasm2native's benchmarks.
//
//   matmul [N]     default 1200 (4 multiplications)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void multiply(int n, const double *a, const double *b, double *c) {
    memset(c, 0, (size_t)n * n * sizeof *c);
    for (int i = 0; i < n; i++) {
        double *row = c + (size_t)i * n;
        for (int k = 0; k < n; k++) {
            double aik = a[(size_t)i * n + k];
            const double *brow = b + (size_t)k * n;
            for (int j = 0; j < n; j++) row[j] += aik * brow[j];
        }
    }
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1200;
    size_t cells = (size_t)n * n;
    double *a = malloc(cells * sizeof *a), *b = malloc(cells * sizeof *b), *c = malloc(cells * sizeof *c);
    if (!a || !b || !c) return 1;
    unsigned x = 12345;
    for (size_t i = 0; i < cells; i++) {
        x = x * 1103515245u + 12345u;
        a[i] = (double)((x >> 8) % 2001) / 1000.0 - 1.0;  // in [-1, 1]
        x = x * 1103515245u + 12345u;
        b[i] = (double)((x >> 8) % 2001) / 1000.0 - 1.0;
    }
    for (int round = 0; round < 4; round++) {
        multiply(n, a, b, c);
        // Scale the product back to a bounded range and use it as the next left operand.
        double scale = 1.0 / n;
        for (size_t i = 0; i < cells; i++) a[i] = c[i] * scale;
    }
    double sum = 0, diagonal = 0;
    for (size_t i = 0; i < cells; i++) sum += c[i];
    for (int i = 0; i < n; i++) diagonal += c[(size_t)i * n + i];
    printf("matmul n=%d x4\nsum %.10e trace %.10e c[1][2] %.10e\n", n, sum, diagonal, c[n + 2]);
    return 0;
}
