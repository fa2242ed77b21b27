// interp: a tiny register-based bytecode virtual machine with a switch-dispatched loop, running a
// loop-heavy program assembled at start-up: for every i in 1..N it counts the Collatz steps of i,
// sums the steps and their squares modulo a prime, tracks the longest, and calls a subroutine
// (the VM's own call stack) that mixes them into a hash. Written for wasm2native's benchmarks.
//
//   interp [N]     default 1000000
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum opcode {
    OP_HALT, OP_LOADI, OP_MOV, OP_ADD, OP_ADDI, OP_SUB, OP_MUL, OP_DIVU, OP_REMU, OP_AND, OP_ANDI,
    OP_XOR, OP_SHRI, OP_SHLI, OP_JMP, OP_JEQI, OP_JNEI, OP_JGTU, OP_JLEU, OP_CALL, OP_RET,
};

typedef struct {
    uint8_t op, a, b, c;  // registers a, b, c (c unused by some)
    int32_t imm;          // immediate or jump target
} instruction;

static instruction program[256];
static int length;

static int emit(uint8_t op, uint8_t a, uint8_t b, uint8_t c, int32_t imm) {
    program[length] = (instruction){op, a, b, c, imm};
    return length++;
}

static uint64_t run(const instruction *code, uint64_t *r) {
    int pc = 0, sp = 0;
    int stack[64];
    for (;;) {
        const instruction *in = &code[pc++];
        switch (in->op) {
            case OP_HALT: return r[0];
            case OP_LOADI: r[in->a] = (uint64_t)(int64_t)in->imm; break;
            case OP_MOV: r[in->a] = r[in->b]; break;
            case OP_ADD: r[in->a] = r[in->b] + r[in->c]; break;
            case OP_ADDI: r[in->a] = r[in->b] + (uint64_t)(int64_t)in->imm; break;
            case OP_SUB: r[in->a] = r[in->b] - r[in->c]; break;
            case OP_MUL: r[in->a] = r[in->b] * r[in->c]; break;
            case OP_DIVU: r[in->a] = r[in->b] / r[in->c]; break;
            case OP_REMU: r[in->a] = r[in->b] % r[in->c]; break;
            case OP_AND: r[in->a] = r[in->b] & r[in->c]; break;
            case OP_ANDI: r[in->a] = r[in->b] & (uint64_t)(int64_t)in->imm; break;
            case OP_XOR: r[in->a] = r[in->b] ^ r[in->c]; break;
            case OP_SHRI: r[in->a] = r[in->b] >> in->imm; break;
            case OP_SHLI: r[in->a] = r[in->b] << in->imm; break;
            case OP_JMP: pc = in->imm; break;
            case OP_JEQI: if (r[in->a] == (uint64_t)(int64_t)in->c) pc = in->imm; break;
            case OP_JNEI: if (r[in->a] != (uint64_t)(int64_t)in->c) pc = in->imm; break;
            case OP_JGTU: if (r[in->a] > r[in->b]) pc = in->imm; break;
            case OP_JLEU: if (r[in->a] <= r[in->b]) pc = in->imm; break;
            case OP_CALL: stack[sp++] = pc; pc = in->imm; break;
            case OP_RET: pc = stack[--sp]; break;
            default: fprintf(stderr, "interp: bad opcode %d\n", in->op); exit(1);
        }
    }
}

// Registers: r1 i, r2 N, r3 x, r4 steps, r5 sum, r6 sum of squares, r7 prime, r8 longest,
// r9 hash, r10 scratch, r11 3, r12 scratch, r0 result.
static void assemble(void) {
    emit(OP_LOADI, 1, 0, 0, 1);
    emit(OP_LOADI, 5, 0, 0, 0);
    emit(OP_LOADI, 6, 0, 0, 0);
    emit(OP_LOADI, 7, 0, 0, 1000000007);
    emit(OP_LOADI, 8, 0, 0, 0);
    emit(OP_LOADI, 9, 0, 0, 14695981);
    emit(OP_LOADI, 11, 0, 0, 3);
    int outer = emit(OP_MOV, 3, 1, 0, 0);                  // x = i
    emit(OP_LOADI, 4, 0, 0, 0);                            // steps = 0
    int inner = emit(OP_JEQI, 3, 0, 1, -1);                // while x != 1
    emit(OP_ANDI, 10, 3, 0, 1);
    int even = emit(OP_JEQI, 10, 0, 0, -1);                //   if x odd:
    emit(OP_MUL, 3, 3, 11, 0);                             //     x = 3x + 1
    emit(OP_ADDI, 3, 3, 0, 1);
    int join = emit(OP_JMP, 0, 0, 0, -1);
    program[even].imm = emit(OP_SHRI, 3, 3, 0, 1);         //   else x = x / 2
    program[join].imm = emit(OP_ADDI, 4, 4, 0, 1);         //   steps++
    emit(OP_JMP, 0, 0, 0, inner);
    program[inner].imm = emit(OP_ADD, 5, 5, 4, 0);         // sum += steps
    emit(OP_MUL, 10, 4, 4, 0);
    emit(OP_ADD, 6, 6, 10, 0);
    emit(OP_REMU, 6, 6, 7, 0);                             // squares %= prime
    int no_longer = emit(OP_JLEU, 4, 8, 0, -1);            // if steps > longest
    emit(OP_MOV, 8, 4, 0, 0);
    int call = emit(OP_CALL, 0, 0, 0, -1);                 // mix()
    program[no_longer].imm = call;
    emit(OP_ADDI, 1, 1, 0, 1);                             // i++
    emit(OP_JLEU, 1, 2, 0, outer);                         // while i <= N
    emit(OP_XOR, 0, 5, 6, 0);
    emit(OP_SHLI, 10, 8, 0, 32);
    emit(OP_XOR, 0, 0, 10, 0);
    emit(OP_XOR, 0, 0, 9, 0);
    emit(OP_HALT, 0, 0, 0, 0);
    program[call].imm = emit(OP_XOR, 9, 9, 4, 0);          // mix: hash = (hash ^ steps) * 1099511
    emit(OP_LOADI, 12, 0, 0, 1099511);
    emit(OP_MUL, 9, 9, 12, 0);
    emit(OP_SHRI, 12, 9, 0, 29);
    emit(OP_XOR, 9, 9, 12, 0);
    emit(OP_DIVU, 12, 1, 11, 0);                           // and a division now and then
    emit(OP_ADD, 9, 9, 12, 0);
    emit(OP_RET, 0, 0, 0, 0);
}

int main(int argc, char **argv) {
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    assemble();
    uint64_t registers[16] = {0};
    registers[2] = n;
    uint64_t result = run(program, registers);
    printf("interp n=%" PRIu64 " (%d instructions)\nsum %" PRIu64 " squares %" PRIu64 " longest %" PRIu64
           " hash %016" PRIx64 "\nresult %016" PRIx64 "\n",
           n, length, registers[5], registers[6], registers[8], registers[9], result);
    return 0;
}
