// n-body: a simulation of five Jovian planets (the classic benchmark's model), written for
// wasm2native's benchmarks. Symplectic Euler steps in double precision; prints the system's
// energy before and after.
//
//   nbody [STEPS]     default 25000000
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define BODIES 5
static const double pi = 3.141592653589793;
static const double days_per_year = 365.24;

typedef struct {
    double x, y, z, vx, vy, vz, mass;
} body;

static body system_bodies[BODIES];

static void init(void) {
    const double solar_mass = 4 * pi * pi;
    body sun = {0, 0, 0, 0, 0, 0, solar_mass};
    body jupiter = {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
                    1.66007664274403694e-03 * days_per_year, 7.69901118419740425e-03 * days_per_year,
                    -6.90460016972063023e-05 * days_per_year, 9.54791938424326609e-04 * solar_mass};
    body saturn = {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
                   -2.76742510726862411e-03 * days_per_year, 4.99852801234917238e-03 * days_per_year,
                   2.30417297573763929e-05 * days_per_year, 2.85885980666130812e-04 * solar_mass};
    body uranus = {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
                   2.96460137564761618e-03 * days_per_year, 2.37847173959480950e-03 * days_per_year,
                   -2.96589568540237556e-05 * days_per_year, 4.36624404335156298e-05 * solar_mass};
    body neptune = {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
                    2.68067772490389322e-03 * days_per_year, 1.62824170038242295e-03 * days_per_year,
                    -9.51592254519715870e-05 * days_per_year, 5.15138902046611451e-05 * solar_mass};
    system_bodies[0] = sun;
    system_bodies[1] = jupiter;
    system_bodies[2] = saturn;
    system_bodies[3] = uranus;
    system_bodies[4] = neptune;
    // Offset the sun's momentum so the system's total momentum is zero.
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < BODIES; i++) {
        px += system_bodies[i].vx * system_bodies[i].mass;
        py += system_bodies[i].vy * system_bodies[i].mass;
        pz += system_bodies[i].vz * system_bodies[i].mass;
    }
    system_bodies[0].vx = -px / solar_mass;
    system_bodies[0].vy = -py / solar_mass;
    system_bodies[0].vz = -pz / solar_mass;
}

static double energy(const body *b) {
    double e = 0;
    for (int i = 0; i < BODIES; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < BODIES; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(body *b, double dt) {
    for (int i = 0; i < BODIES; i++) {
        for (int j = i + 1; j < BODIES; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double magnitude = dt / (d2 * sqrt(d2));
            double mj = b[j].mass * magnitude, mi = b[i].mass * magnitude;
            b[i].vx -= dx * mj;
            b[i].vy -= dy * mj;
            b[i].vz -= dz * mj;
            b[j].vx += dx * mi;
            b[j].vy += dy * mi;
            b[j].vz += dz * mi;
        }
    }
    for (int i = 0; i < BODIES; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 25000000;
    init();
    double before = energy(system_bodies);
    for (int s = 0; s < steps; s++) advance(system_bodies, 0.01);
    printf("nbody steps=%d\nenergy before %.9f\nenergy after  %.9f\n", steps, before, energy(system_bodies));
    return 0;
}
