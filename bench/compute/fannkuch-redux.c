// fannkuch-redux: for every permutation of 1..N, count the prefix reversals ("pancake flips")
// until 1 comes first; prints the checksum (alternating sum of flip counts in permutation order)
// and the maximum. Permutations are visited in the order of the classic benchmark's counting
// scheme. Written for wasm2native's benchmarks.
//
//   fannkuch-redux [N]     default 11 (3 <= N <= 12)
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 11;
    if (n < 3 || n > 12) {
        fprintf(stderr, "fannkuch-redux: N must be 3..12\n");
        return 2;
    }
    int perm[16], perm1[16], count[16];
    for (int i = 0; i < n; i++) perm1[i] = i;
    int checksum = 0, max_flips = 0, permutation = 0, r = n;
    for (;;) {
        while (r != 1) {
            count[r - 1] = r;
            r--;
        }
        for (int i = 0; i < n; i++) perm[i] = perm1[i];
        int flips = 0;
        for (int k = perm[0]; k != 0; k = perm[0]) {
            for (int i = 0, j = k; i < j; i++, j--) {
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            flips++;
        }
        if (flips > max_flips) max_flips = flips;
        checksum += (permutation % 2 == 0) ? flips : -flips;
        // Next permutation: rotate the first r+1 elements left until a counter is not exhausted.
        for (;;) {
            if (r == n) {
                printf("fannkuch-redux n=%d\n%d\nPfannkuchen(%d) = %d\n", n, checksum, n, max_flips);
                return 0;
            }
            int first = perm1[0];
            for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
            perm1[r] = first;
            if (--count[r] > 0) break;
            r++;
        }
        permutation++;
    }
}
