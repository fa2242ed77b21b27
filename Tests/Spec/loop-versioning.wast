;; Loops that LoopVersioning (Sources/Lowering/LoopVersioning.swift) gives a copy without trap
;; points: every one must behave exactly as the original, in bounds (the copy runs) and when an
;; iteration goes out of bounds (the original runs, or takes over, and traps exactly there, with
;; the earlier iterations' stores done). `scripts/test.sh` runs this file in the native engine and
;; in the interpreter.

(module
  (memory (export "memory") 1)
  (global $count (export "count") (mut i32) (i32.const 0))

  ;; Counted, rising, unsigned: bytes [p, p + n) = value (do-while: at least one byte).
  (func (export "fill") (param $p i32) (param $n i32) (param $value i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (loop $l
      (i32.store8 (local.get $p) (local.get $value))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $p) (local.get $end)))))

  ;; Counted, falling, unsigned: bytes [low, high) from the top down.
  (func (export "fill_down") (param $high i32) (param $low i32) (param $value i32)
    (loop $l
      (local.set $high (i32.sub (local.get $high) (i32.const 1)))
      (i32.store8 (local.get $high) (local.get $value))
      (br_if $l (i32.gt_u (local.get $high) (local.get $low)))))

  ;; Counted by `ne` with stride 8 (two stores per iteration); an odd count never meets the
  ;; limit and runs until the stores go out of bounds.
  (func (export "fill_pairs") (param $p i32) (param $i i32) (param $limit i32)
    (loop $l
      (i32.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (i32.store offset=4 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br_if $l (i32.ne (local.get $i) (local.get $limit)))))

  ;; Signed counter from a negative start: words at base + 4i for i in [from, to).
  (func (export "fill_signed") (param $base i32) (param $from i32) (param $to i32)
    (loop $l
      (i32.store (i32.add (local.get $base) (i32.mul (local.get $from) (i32.const 4))) (local.get $from))
      (local.set $from (i32.add (local.get $from) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $from) (local.get $to)))))

  ;; The address p + 8 wraps around 2^32 to a small one: in bounds although p is not.
  (func (export "fill_wrapped") (param $p i32) (param $n i32)
    (loop $l
      (i32.store (i32.add (local.get $p) (i32.const 8)) (i32.const 0x5a5a5a5a))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))))

  ;; `i <= 0xffffffff` always holds: the loop only ends by trapping.
  (func (export "fill_forever") (param $i i32)
    (loop $l
      (i32.store8 (local.get $i) (i32.const 9))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.le_u (local.get $i) (i32.const -1)))))

  ;; Not counted (the exit depends on a load): strlen, with a global counting iterations.
  (func (export "length") (param $p i32) (result i32)
    (local $start i32)
    (local.set $start (local.get $p))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (i32.load8_u (local.get $p))))
        (global.set $count (i32.add (global.get $count) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (i32.sub (local.get $p) (local.get $start)))

  ;; A counted loop with an early exit and a value used after it: the index of the first word
  ;; equal to `key` in [p, p + 4n), or -1; the sum of the words before it in the global.
  (func (export "find") (param $p i32) (param $n i32) (param $key i32) (result i32)
    (local $i i32) (local $sum i32) (local $word i32)
    (global.set $count (i32.const 0))
    (block $found
      (loop $l
        (local.set $word (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (br_if $found (i32.eq (local.get $word) (local.get $key)))
        (local.set $sum (i32.add (local.get $sum) (local.get $word)))
        (global.set $count (local.get $sum))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (return (i32.const -1)))
    (local.get $i))

  ;; A vectorizable loop over f64: y[i] += a * x[i], i in [0, n).
  (func (export "axpy") (param $y i32) (param $x i32) (param $n i32) (param $a f64)
    (local $i i32)
    (loop $l
      (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))
        (f64.add
          (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))
          (f64.mul (local.get $a) (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))

  ;; A v128 loop: the sum of n i32x4 vectors at p.
  (func (export "sum_vectors") (param $p i32) (param $n i32) (result i32)
    (local $sum v128)
    (loop $l
      (local.set $sum (i32x4.add (local.get $sum) (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_u (local.get $n) (i32.const 0))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
      (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))

;; Both sides of the exit test move: reverse the words [p, p + 4n) in place (i < j).
  (func (export "reverse") (param $p i32) (param $n i32)
    (local $i i32) (local $j i32) (local $t i32)
    (local.set $j (i32.sub (local.get $n) (i32.const 1)))
    (loop $l
      (local.set $t (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
      (i32.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
        (i32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
      (i32.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $j (i32.sub (local.get $j) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (local.get $j)))))

  ;; Stride 2^30, the largest whose 32-bit counter needs no bound on the trip count in the check:
  ;; bytes at p, p + 2^30, ... while below n (unsigned).
  (func (export "fill_far") (param $p i32) (param $n i32)
    (loop $l
      (i32.store8 (local.get $p) (i32.const 6))
      (br_if $l (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 0x40000000))) (local.get $n)))))

  (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages)))
  (func (export "byte") (param $p i32) (result i32) (i32.load8_u (local.get $p)))
  (func (export "word") (param $p i32) (result i32) (i32.load (local.get $p)))
  (func (export "set_word") (param $p i32) (param $v i32) (i32.store (local.get $p) (local.get $v)))
  (func (export "set_f64") (param $p i32) (param $v f64) (f64.store (local.get $p) (local.get $v)))
  (func (export "get_f64") (param $p i32) (result f64) (f64.load (local.get $p)))
)

;; fill: in bounds, the bytes around, a single byte, and one that runs off the end.
(assert_return (invoke "fill" (i32.const 100) (i32.const 50) (i32.const 7)))
(assert_return (invoke "byte" (i32.const 99)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 100)) (i32.const 7))
(assert_return (invoke "byte" (i32.const 149)) (i32.const 7))
(assert_return (invoke "byte" (i32.const 150)) (i32.const 0))
(assert_return (invoke "fill" (i32.const 300) (i32.const 0) (i32.const 3)))
(assert_return (invoke "byte" (i32.const 300)) (i32.const 3))
(assert_return (invoke "byte" (i32.const 301)) (i32.const 0))
(assert_return (invoke "fill" (i32.const 65000) (i32.const 536) (i32.const 1)))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 1))
(assert_trap (invoke "fill" (i32.const 65530) (i32.const 10) (i32.const 8)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65529)) (i32.const 1))
(assert_return (invoke "byte" (i32.const 65530)) (i32.const 8))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 8))
(assert_trap (invoke "fill" (i32.const 70000) (i32.const 4) (i32.const 8)) "out of bounds memory access")

;; fill_down: in bounds; from above the end (traps at once, nothing written); across the end.
(assert_return (invoke "fill_down" (i32.const 1000) (i32.const 900) (i32.const 5)))
(assert_return (invoke "byte" (i32.const 899)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 900)) (i32.const 5))
(assert_return (invoke "byte" (i32.const 999)) (i32.const 5))
(assert_return (invoke "byte" (i32.const 1000)) (i32.const 0))
(assert_trap (invoke "fill_down" (i32.const 65540) (i32.const 65520) (i32.const 6)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 8))
(assert_return (invoke "byte" (i32.const 65520)) (i32.const 1))
(assert_return (invoke "fill_down" (i32.const 10) (i32.const 0) (i32.const 4)))
(assert_return (invoke "byte" (i32.const 0)) (i32.const 4))
(assert_return (invoke "byte" (i32.const 9)) (i32.const 4))

;; fill_pairs: an even limit ends the loop; an odd one runs until the stores trap.
(assert_return (invoke "fill_pairs" (i32.const 2000) (i32.const 0) (i32.const 10)))
(assert_return (invoke "word" (i32.const 2000)) (i32.const 0))
(assert_return (invoke "word" (i32.const 2036)) (i32.const 8))
(assert_return (invoke "word" (i32.const 2040)) (i32.const 0))
(assert_trap (invoke "fill_pairs" (i32.const 64000) (i32.const 0) (i32.const 11)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 65528)) (i32.const 382))
(assert_return (invoke "word" (i32.const 65532)) (i32.const 382))

;; fill_signed: words at 400 + 4i for i in [-5, 5); then from i = -110 (address 400 - 440 wraps
;; around: traps at once).
(assert_return (invoke "fill_signed" (i32.const 400) (i32.const -5) (i32.const 5)))
(assert_return (invoke "word" (i32.const 376)) (i32.const 0))
(assert_return (invoke "word" (i32.const 380)) (i32.const -5))
(assert_return (invoke "word" (i32.const 416)) (i32.const 4))
(assert_return (invoke "word" (i32.const 420)) (i32.const 0))
(assert_trap (invoke "fill_signed" (i32.const 400) (i32.const -110) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 380)) (i32.const -5))

;; fill_wrapped: p = -8 stores at 0, 4, 8, 12 (the address wraps); p = -4 stores first at 4.
(assert_return (invoke "fill_wrapped" (i32.const -8) (i32.const 4)))
(assert_return (invoke "word" (i32.const 0)) (i32.const 0x5a5a5a5a))
(assert_return (invoke "word" (i32.const 12)) (i32.const 0x5a5a5a5a))
(assert_return (invoke "word" (i32.const 16)) (i32.const 0))
(assert_trap (invoke "fill_wrapped" (i32.const -16) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 16)) (i32.const 0))

;; fill_forever: traps at 65536 after writing the bytes before it.
(assert_trap (invoke "fill_forever" (i32.const 65000)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 9))
(assert_return (invoke "byte" (i32.const 64999)) (i32.const 0))

;; length: with a terminator, and off the end of memory (every byte from 65000 on is 9).
(assert_return (invoke "length" (i32.const 100)) (i32.const 50))
(assert_return (invoke "length" (i32.const 150)) (i32.const 0))
(assert_trap (invoke "length" (i32.const 65000)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 9))
(assert_return (invoke "set_word" (i32.const 12) (i32.const 0)))

;; find: found, not found, and a scan that runs off the end after summing what it read.
(assert_return (invoke "set_word" (i32.const 3000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 3004) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 3008) (i32.const 3)))
(assert_return (invoke "find" (i32.const 3000) (i32.const 3) (i32.const 3)) (i32.const 2))
(assert_return (invoke "find" (i32.const 3000) (i32.const 3) (i32.const 4)) (i32.const -1))
(assert_return (invoke "set_word" (i32.const 65532) (i32.const 1000)))
(assert_trap (invoke "find" (i32.const 65532) (i32.const 5) (i32.const 77)) "out of bounds memory access")
(assert_return (get "count") (i32.const 1000))

;; axpy over 100 doubles, and over an array that ends past the memory.
(assert_return (invoke "set_f64" (i32.const 8000) (f64.const 1.5)))
(assert_return (invoke "set_f64" (i32.const 8792) (f64.const -2)))
(assert_return (invoke "set_f64" (i32.const 9000) (f64.const 4)))
(assert_return (invoke "set_f64" (i32.const 9792) (f64.const 0.25)))
(assert_return (invoke "axpy" (i32.const 9000) (i32.const 8000) (i32.const 100) (f64.const 2)))
(assert_return (invoke "get_f64" (i32.const 9000)) (f64.const 7))
(assert_return (invoke "get_f64" (i32.const 9792)) (f64.const -3.75))
(assert_return (invoke "get_f64" (i32.const 9800)) (f64.const 0))
(assert_return (invoke "set_f64" (i32.const 65528) (f64.const 1)))
(assert_trap (invoke "axpy" (i32.const 65528) (i32.const 8000) (i32.const 3) (f64.const 2)) "out of bounds memory access")
(assert_return (invoke "get_f64" (i32.const 65528)) (f64.const 4))

;; sum_vectors: 3 vectors in bounds; the words 65000.. hold 0x09090909.
(assert_return (invoke "set_word" (i32.const 4000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 4020) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 4044) (i32.const 3)))
(assert_return (invoke "sum_vectors" (i32.const 4000) (i32.const 3)) (i32.const 6))
(assert_trap (invoke "sum_vectors" (i32.const 65504) (i32.const 3)) "out of bounds memory access")

;; reverse: 5 words; then a range whose top lies past the memory (the first load of word j traps).
(assert_return (invoke "set_word" (i32.const 5000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 5004) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 5008) (i32.const 3)))
(assert_return (invoke "set_word" (i32.const 5012) (i32.const 4)))
(assert_return (invoke "set_word" (i32.const 5016) (i32.const 5)))
(assert_return (invoke "reverse" (i32.const 5000) (i32.const 5)))
(assert_return (invoke "word" (i32.const 5000)) (i32.const 5))
(assert_return (invoke "word" (i32.const 5004)) (i32.const 4))
(assert_return (invoke "word" (i32.const 5008)) (i32.const 3))
(assert_return (invoke "word" (i32.const 5016)) (i32.const 1))
(assert_trap (invoke "reverse" (i32.const 65500) (i32.const 20)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 65500)) (i32.const 0x09090909))

;; fill_far: one byte; the second iteration is 2^30 further, out of bounds; from 2^32 - 2^30 + 7216
;; the first store traps (the second would wrap around to 7216).
(assert_return (invoke "fill_far" (i32.const 6000) (i32.const 6001)))
(assert_return (invoke "byte" (i32.const 6000)) (i32.const 6))
(assert_trap (invoke "fill_far" (i32.const 6001) (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 6001)) (i32.const 6))
(assert_trap (invoke "fill_far" (i32.const -1073734608) (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 7216)) (i32.const 0))

;; After memory.grow the same loops reach further. The vectors at 65504: 0x09 bytes (fill_forever)
;; up to 65527, then 0, 0 (axpy's 4.0 at 65528), then 0x02 bytes up to 65539 (fill below).
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "fill" (i32.const 65530) (i32.const 10) (i32.const 2)))
(assert_return (invoke "byte" (i32.const 65539)) (i32.const 2))
(assert_return (invoke "sum_vectors" (i32.const 65504) (i32.const 3)) (i32.const 1010580026))
(assert_trap (invoke "fill" (i32.const 131070) (i32.const 4) (i32.const 2)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 131071)) (i32.const 2))

;; Runs of 8 iterations or more: shorter runs take the loop with trap points on their trip count
;; alone (LoopVersioning's gate), before any check, so these are the calls that reach the copies.
;; fill_pairs: 20 iterations; from 131000 the stores reach 131072 (two pages) at i = 18.
(assert_return (invoke "fill_pairs" (i32.const 12000) (i32.const 0) (i32.const 40)))
(assert_return (invoke "word" (i32.const 12004)) (i32.const 0))
(assert_return (invoke "word" (i32.const 12008)) (i32.const 2))
(assert_return (invoke "word" (i32.const 12152)) (i32.const 38))
(assert_return (invoke "word" (i32.const 12156)) (i32.const 38))
(assert_return (invoke "word" (i32.const 12160)) (i32.const 0))
(assert_trap (invoke "fill_pairs" (i32.const 131000) (i32.const 0) (i32.const 40)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 131068)) (i32.const 16))
;; fill_wrapped: 12 words from address 0 (p + 8 wraps).
(assert_return (invoke "fill_wrapped" (i32.const -8) (i32.const 12)))
(assert_return (invoke "word" (i32.const 44)) (i32.const 0x5a5a5a5a))
(assert_return (invoke "word" (i32.const 48)) (i32.const 0))
;; sum_vectors: 10 vectors of 0x01 bytes, 40 lanes of 0x01010101; from 130976 the seventh traps.
(assert_return (invoke "fill" (i32.const 12400) (i32.const 160) (i32.const 1)))
(assert_return (invoke "sum_vectors" (i32.const 12400) (i32.const 10)) (i32.const 0x28282828))
(assert_trap (invoke "sum_vectors" (i32.const 130976) (i32.const 10)) "out of bounds memory access")

;; Loops with an address that stays the same while they run, beside addresses that move: the copy
;; keeps that address's value in a register (alias scopes) when the moving accesses provably stay
;; clear of it, and must not when they overlap it.
(module
  (memory (export "memory") 1)

  ;; mem[k] += mem[base + 4j] for j in [0, n): k inside [base, base + 4n) feeds back.
  (func (export "accumulate_at") (param $k i32) (param $base i32) (param $n i32)
    (local $j i32)
    (loop $l
      (i32.store (local.get $k)
        (i32.add (i32.load (local.get $k))
          (i32.load (i32.add (local.get $base) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $j) (local.get $n)))))

  ;; Pairs as in n-body: p[i] += p[j], p[j] += 1 for i < j < n, the inner loop at a fixed p[i].
  (func (export "pairs") (param $p i32) (param $n i32)
    (local $i i32) (local $j i32)
    (loop $outer
      (local.set $j (i32.add (local.get $i) (i32.const 1)))
      (block $done
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (loop $inner
          (i32.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
            (i32.add (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))
              (i32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))))
          (i32.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))
            (i32.add (i32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get $j) (local.get $n)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n)))))

  ;; dst[i] = src[i] * mem[k] for i in [0, n): only mem[k] must lie apart from dst; dst and src
  ;; may be the same words, or overlap shifted (then each product feeds the next).
  (func (export "scale") (param $dst i32) (param $src i32) (param $k i32) (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
        (i32.mul (i32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))
          (i32.load (local.get $k))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))

  (func (export "word") (param $p i32) (result i32) (i32.load (local.get $p)))
  (func (export "set_word") (param $p i32) (param $v i32) (i32.store (local.get $p) (local.get $v)))
)

(assert_return (invoke "set_word" (i32.const 6000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 6004) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 6008) (i32.const 3)))
(assert_return (invoke "set_word" (i32.const 6012) (i32.const 4)))
(assert_return (invoke "set_word" (i32.const 6100) (i32.const 10)))
;; Apart: 10 + 1 + 2 + 3 + 4.
(assert_return (invoke "accumulate_at" (i32.const 6100) (i32.const 6000) (i32.const 4)))
(assert_return (invoke "word" (i32.const 6100)) (i32.const 20))
;; k is the third word: 3 + 1 + 2, then that word (6) again, then + 4.
(assert_return (invoke "accumulate_at" (i32.const 6008) (i32.const 6000) (i32.const 4)))
(assert_return (invoke "word" (i32.const 6008)) (i32.const 16))
;; k right after the words (now 1, 2, 16, 4), and right before them: apart.
(assert_return (invoke "accumulate_at" (i32.const 6016) (i32.const 6000) (i32.const 3)))
(assert_return (invoke "word" (i32.const 6016)) (i32.const 19))
(assert_return (invoke "accumulate_at" (i32.const 5996) (i32.const 6000) (i32.const 2)))
(assert_return (invoke "word" (i32.const 5996)) (i32.const 3))
;; k (7007) overlaps the last word by one byte, so each sum changes the next word read:
;; 1 + 0x01010101 stored at 7007, then 0x01010102 + 0x02010101.
(assert_return (invoke "set_word" (i32.const 7000) (i32.const 0x01010101)))
(assert_return (invoke "set_word" (i32.const 7004) (i32.const 0x01010101)))
(assert_return (invoke "set_word" (i32.const 7008) (i32.const 0)))
(assert_return (invoke "accumulate_at" (i32.const 7007) (i32.const 7000) (i32.const 2)))
(assert_return (invoke "word" (i32.const 7004)) (i32.const 0x03010101))
(assert_return (invoke "word" (i32.const 7008)) (i32.const 0x30202))
;; The words run off the end: the first two are added, then it traps.
(assert_return (invoke "set_word" (i32.const 65528) (i32.const 100)))
(assert_return (invoke "set_word" (i32.const 65532) (i32.const 200)))
(assert_trap (invoke "accumulate_at" (i32.const 6100) (i32.const 65528) (i32.const 3)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 6100)) (i32.const 320))
;; k itself out of bounds: traps before anything is stored.
(assert_trap (invoke "accumulate_at" (i32.const 65534) (i32.const 6000) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 65532)) (i32.const 200))

(assert_return (invoke "set_word" (i32.const 8000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 8004) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 8008) (i32.const 3)))
(assert_return (invoke "set_word" (i32.const 8012) (i32.const 4)))
(assert_return (invoke "pairs" (i32.const 8000) (i32.const 4)))
(assert_return (invoke "word" (i32.const 8000)) (i32.const 10))
(assert_return (invoke "word" (i32.const 8004)) (i32.const 12))
(assert_return (invoke "word" (i32.const 8008)) (i32.const 11))
(assert_return (invoke "word" (i32.const 8012)) (i32.const 7))
(assert_return (invoke "set_word" (i32.const 9000) (i32.const 5)))
(assert_return (invoke "set_word" (i32.const 9004) (i32.const 0)))
(assert_return (invoke "set_word" (i32.const 9008) (i32.const 7)))
(assert_return (invoke "set_word" (i32.const 9012) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 9016) (i32.const 9)))
(assert_return (invoke "pairs" (i32.const 9000) (i32.const 5)))
(assert_return (invoke "word" (i32.const 9000)) (i32.const 22))
(assert_return (invoke "word" (i32.const 9004)) (i32.const 21))
(assert_return (invoke "word" (i32.const 9008)) (i32.const 23))
(assert_return (invoke "word" (i32.const 9012)) (i32.const 16))
(assert_return (invoke "word" (i32.const 9016)) (i32.const 13))
;; The array runs off the end: traps in the first inner loop after p[i] took p[j] for j ≤ 2.
(assert_return (invoke "set_word" (i32.const 65524) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 65528) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 65532) (i32.const 3)))
(assert_trap (invoke "pairs" (i32.const 65524) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 65524)) (i32.const 6))
(assert_return (invoke "word" (i32.const 65528)) (i32.const 3))
(assert_return (invoke "word" (i32.const 65532)) (i32.const 4))

;; In place: 1..8 times 3.
(assert_return (invoke "set_word" (i32.const 10000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 10004) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 10008) (i32.const 3)))
(assert_return (invoke "set_word" (i32.const 10012) (i32.const 4)))
(assert_return (invoke "set_word" (i32.const 10016) (i32.const 5)))
(assert_return (invoke "set_word" (i32.const 10020) (i32.const 6)))
(assert_return (invoke "set_word" (i32.const 10024) (i32.const 7)))
(assert_return (invoke "set_word" (i32.const 10028) (i32.const 8)))
(assert_return (invoke "set_word" (i32.const 10100) (i32.const 3)))
(assert_return (invoke "scale" (i32.const 10000) (i32.const 10000) (i32.const 10100) (i32.const 8)))
(assert_return (invoke "word" (i32.const 10000)) (i32.const 3))
(assert_return (invoke "word" (i32.const 10016)) (i32.const 15))
(assert_return (invoke "word" (i32.const 10028)) (i32.const 24))
;; dst one word after src: each product is the next factor (3, 9, 27, 81, 243).
(assert_return (invoke "scale" (i32.const 10004) (i32.const 10000) (i32.const 10100) (i32.const 4)))
(assert_return (invoke "word" (i32.const 10004)) (i32.const 9))
(assert_return (invoke "word" (i32.const 10008)) (i32.const 27))
(assert_return (invoke "word" (i32.const 10012)) (i32.const 81))
(assert_return (invoke "word" (i32.const 10016)) (i32.const 243))
(assert_return (invoke "word" (i32.const 10020)) (i32.const 18))
;; mem[k] among the words written: the factor changes from 27 to 81 after the third product.
(assert_return (invoke "set_word" (i32.const 10200) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 10204) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 10208) (i32.const 3)))
(assert_return (invoke "set_word" (i32.const 10212) (i32.const 4)))
(assert_return (invoke "scale" (i32.const 10000) (i32.const 10200) (i32.const 10008) (i32.const 4)))
(assert_return (invoke "word" (i32.const 10000)) (i32.const 27))
(assert_return (invoke "word" (i32.const 10004)) (i32.const 54))
(assert_return (invoke "word" (i32.const 10008)) (i32.const 81))
(assert_return (invoke "word" (i32.const 10012)) (i32.const 324))

;; Runs of 8 iterations or more (shorter ones take the loop with trap points: LoopVersioning's
;; gate). The words 20000.. hold 1..12.
(assert_return (invoke "set_word" (i32.const 20000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 20004) (i32.const 2)))
(assert_return (invoke "set_word" (i32.const 20008) (i32.const 3)))
(assert_return (invoke "set_word" (i32.const 20012) (i32.const 4)))
(assert_return (invoke "set_word" (i32.const 20016) (i32.const 5)))
(assert_return (invoke "set_word" (i32.const 20020) (i32.const 6)))
(assert_return (invoke "set_word" (i32.const 20024) (i32.const 7)))
(assert_return (invoke "set_word" (i32.const 20028) (i32.const 8)))
(assert_return (invoke "set_word" (i32.const 20032) (i32.const 9)))
(assert_return (invoke "set_word" (i32.const 20036) (i32.const 10)))
(assert_return (invoke "set_word" (i32.const 20040) (i32.const 11)))
(assert_return (invoke "set_word" (i32.const 20044) (i32.const 12)))
;; Apart: 10 + 1 + ... + 10.
(assert_return (invoke "set_word" (i32.const 20100) (i32.const 10)))
(assert_return (invoke "accumulate_at" (i32.const 20100) (i32.const 20000) (i32.const 10)))
(assert_return (invoke "word" (i32.const 20100)) (i32.const 65))
;; k is the third word: 3 + 1 + 2, then that word (6) again, then + 4 + ... + 10.
(assert_return (invoke "accumulate_at" (i32.const 20008) (i32.const 20000) (i32.const 10)))
(assert_return (invoke "word" (i32.const 20008)) (i32.const 61))
;; The words run off the end at j = 9; the nine before it (6, 3 and 4 in the last three) are added.
(assert_trap (invoke "accumulate_at" (i32.const 20100) (i32.const 65500) (i32.const 10)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 20100)) (i32.const 78))
;; pairs over 12 words.
(assert_return (invoke "pairs" (i32.const 20000) (i32.const 12)))
(assert_return (invoke "word" (i32.const 20000)) (i32.const 136))
(assert_return (invoke "word" (i32.const 20004)) (i32.const 146))
(assert_return (invoke "word" (i32.const 20008)) (i32.const 153))
(assert_return (invoke "word" (i32.const 20024)) (i32.const 93))
(assert_return (invoke "word" (i32.const 20040)) (i32.const 43))
(assert_return (invoke "word" (i32.const 20044)) (i32.const 23))
;; scale: dst one word after src, factor 2: the words become 1, 2, 4, ..., 1024.
(assert_return (invoke "set_word" (i32.const 22000) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 22100) (i32.const 2)))
(assert_return (invoke "scale" (i32.const 22004) (i32.const 22000) (i32.const 22100) (i32.const 10)))
(assert_return (invoke "word" (i32.const 22036)) (i32.const 512))
(assert_return (invoke "word" (i32.const 22040)) (i32.const 1024))
(assert_return (invoke "word" (i32.const 22044)) (i32.const 0))
;; src: the words pairs left (136, 146, 153, 99, ...); mem[k] is dst[2], 3 until the third product
;; makes it 459.
(assert_return (invoke "set_word" (i32.const 22208) (i32.const 3)))
(assert_return (invoke "scale" (i32.const 22200) (i32.const 20000) (i32.const 22208) (i32.const 10)))
(assert_return (invoke "word" (i32.const 22200)) (i32.const 408))
(assert_return (invoke "word" (i32.const 22204)) (i32.const 438))
(assert_return (invoke "word" (i32.const 22208)) (i32.const 459))
(assert_return (invoke "word" (i32.const 22212)) (i32.const 45441))
(assert_return (invoke "word" (i32.const 22236)) (i32.const 27540))

;; n-body's shape: an inner loop whose base p and count n move in lockstep with the outer loop's i
;; (p = base + 64·i, n = 8 - i; mem32[p + 8 + 4·k] = n - k), run only where a guard on i lets it.
;; LoopVersioning writes p and n in terms of i, so that LLVM's value ranges, which follow i through
;; the guard, may decide the inner loop's check at compile time (`nest`: always in bounds) or not
;; (`nest_at`: the base is a parameter; `nest_wrap`: p starts at 2^32 - 256 and wraps to 0, and at
;; i = 8 the count is 0, so the inner loop runs 2^32 times, off the end of memory).
(module
  (memory (export "memory") 1)

  (func $nest (param $base i32) (param $m i32) (param $first i32) (param $last i32)
    (local $i i32) (local $p i32) (local $n i32) (local $j i32) (local $q i32)
    (local.set $p (local.get $base))
    (local.set $n (i32.const 8))
    (loop $outer
      (block $skip
        (br_if $skip (i32.lt_u (local.get $i) (local.get $first)))
        (br_if $skip (i32.gt_u (local.get $i) (local.get $last)))
        (local.set $q (local.get $p))
        (local.set $j (local.get $n))
        (loop $inner
          (i32.store (i32.add (local.get $q) (i32.const 8)) (local.get $j))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br_if $inner (local.tee $j (i32.sub (local.get $j) (i32.const 1))))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $outer (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m)))))

  ;; $nest with base 1024, first 0 and last 3 written in, so that the check folds whether or not
  ;; LLVM inlines $nest.
  (func (export "nest") (param $m i32)
    (local $i i32) (local $p i32) (local $n i32) (local $j i32) (local $q i32)
    (local.set $p (i32.const 1024))
    (local.set $n (i32.const 8))
    (loop $outer
      (block $skip
        (br_if $skip (i32.gt_u (local.get $i) (i32.const 3)))
        (local.set $q (local.get $p))
        (local.set $j (local.get $n))
        (loop $inner
          (i32.store (i32.add (local.get $q) (i32.const 8)) (local.get $j))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br_if $inner (local.tee $j (i32.sub (local.get $j) (i32.const 1))))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $outer (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m)))))

  ;; The outer loop counts down (step -1, tested as `br_if i`): i = 4, 3, 2, 1 with p = 2048 +
  ;; 64·(4 - i) rising and the inner count n = i; mem32[p + 4·k] = 100·i + k.
  (func (export "nest_down") (param $top i32)
    (local $i i32) (local $p i32) (local $n i32) (local $k i32) (local $q i32)
    (local.set $i (local.get $top))
    (local.set $p (i32.const 2048))
    (local.set $n (local.get $top))
    (loop $outer
      (local.set $q (local.get $p))
      (local.set $k (i32.const 0))
      (loop $inner
        (i32.store (local.get $q) (i32.add (i32.mul (local.get $i) (i32.const 100)) (local.get $k)))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br_if $inner (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $outer (local.tee $i (i32.sub (local.get $i) (i32.const 1))))))
  (func (export "nest_at") (param $base i32) (param $m i32)
    (call $nest (local.get $base) (local.get $m) (i32.const 0) (i32.const 3)))
  (func (export "nest_wrap") (param $m i32) (call $nest (i32.const -256) (local.get $m) (i32.const 4) (i32.const 100)))
  (func (export "word") (param $p i32) (result i32) (i32.load (local.get $p)))
)

;; nest: i = 0 writes 8..1 at 1032..1060, i = 1 writes 7..1 at 1096..1120, i = 3 5..1 at 1224..1240;
;; i = 4 and on skip the inner loop.
(assert_return (invoke "nest" (i32.const 10)))
(assert_return (invoke "word" (i32.const 1028)) (i32.const 0))
(assert_return (invoke "word" (i32.const 1032)) (i32.const 8))
(assert_return (invoke "word" (i32.const 1060)) (i32.const 1))
(assert_return (invoke "word" (i32.const 1064)) (i32.const 0))
(assert_return (invoke "word" (i32.const 1096)) (i32.const 7))
(assert_return (invoke "word" (i32.const 1120)) (i32.const 1))
(assert_return (invoke "word" (i32.const 1224)) (i32.const 5))
(assert_return (invoke "word" (i32.const 1240)) (i32.const 1))
(assert_return (invoke "word" (i32.const 1244)) (i32.const 0))
(assert_return (invoke "word" (i32.const 1288)) (i32.const 0))

;; nest_down 4: i = 4 writes 400..403 at 2048..2060, i = 3 300..302 at 2112..2120, i = 1 writes
;; 100 at 2240. nest_down 20000: the first inner loop writes 2000000 + k at 2048 + 4·k and traps at
;; k = 15872 (address 65536), the words below done.
(assert_return (invoke "nest_down" (i32.const 4)))
(assert_return (invoke "word" (i32.const 2048)) (i32.const 400))
(assert_return (invoke "word" (i32.const 2060)) (i32.const 403))
(assert_return (invoke "word" (i32.const 2064)) (i32.const 0))
(assert_return (invoke "word" (i32.const 2112)) (i32.const 300))
(assert_return (invoke "word" (i32.const 2240)) (i32.const 100))
(assert_return (invoke "word" (i32.const 2244)) (i32.const 0))
(assert_trap (invoke "nest_down" (i32.const 20000)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 2048)) (i32.const 2000000))
(assert_return (invoke "word" (i32.const 65532)) (i32.const 2015871))

;; nest_at 65400: i = 0 writes up to 65440, i = 1 up to 65500; i = 2's first store, at 65536,
;; traps.
(assert_trap (invoke "nest_at" (i32.const 65400) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 65408)) (i32.const 8))
(assert_return (invoke "word" (i32.const 65436)) (i32.const 1))
(assert_return (invoke "word" (i32.const 65472)) (i32.const 7))
(assert_return (invoke "word" (i32.const 65496)) (i32.const 1))
(assert_return (invoke "nest_at" (i32.const 60000) (i32.const 4)))
(assert_return (invoke "word" (i32.const 60200)) (i32.const 5))
(assert_return (invoke "word" (i32.const 60216)) (i32.const 1))

;; nest_wrap: i = 4 (p = 0) writes 4..1 at 8..20, i = 5 (p = 64) 3..1 at 72..80; with m = 9,
;; i = 8 (p = 256) starts with n = 0: it writes 0 at 264, 2^32 - 1 at 268, and so on until it
;; runs off the end of memory.
(assert_return (invoke "nest_wrap" (i32.const 6)))
(assert_return (invoke "word" (i32.const 8)) (i32.const 4))
(assert_return (invoke "word" (i32.const 20)) (i32.const 1))
(assert_return (invoke "word" (i32.const 24)) (i32.const 0))
(assert_return (invoke "word" (i32.const 72)) (i32.const 3))
(assert_return (invoke "word" (i32.const 80)) (i32.const 1))
(assert_trap (invoke "nest_wrap" (i32.const 9)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 264)) (i32.const 0))
(assert_return (invoke "word" (i32.const 268)) (i32.const -1))
(assert_return (invoke "word" (i32.const 65532)) (i32.const -16317))

;; A 64-bit part in a group's address: records of 56 bytes at a constant address (the memarg
;; offset), as in n-body's main, where LLVM widens the outer loop's 56·i (its trip count is
;; constant) and the inner loop reads b[i] at memory0 + 56·i + offset, a group of stride 0 with a
;; wide part. b[i].a += b[j].b and b[j].c += 1 for 0 ≤ i < j < 40 (enough records that LLVM
;; does not unroll the nest). With one page the records from b[3] on lie past the end of memory,
;; so the check fails and the original loop traps; after memory.grow the copy runs.
(module
  (memory 1)
  (func (export "pairs_fixed") (param $steps i32) (param $n i32)
    (local $i i32) (local $j i32)
    (loop $step
      (local.set $i (i32.const 0))
      (loop $outer
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        (block $done
          (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
          (loop $inner
            (i32.store offset=65368 (i32.mul (local.get $i) (i32.const 56))
              (i32.add (i32.load offset=65368 (i32.mul (local.get $i) (i32.const 56)))
                       (i32.load offset=65372 (i32.mul (local.get $j) (i32.const 56)))))
            (i32.store offset=65376 (i32.mul (local.get $j) (i32.const 56))
              (i32.add (i32.load offset=65376 (i32.mul (local.get $j) (i32.const 56))) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $inner (i32.lt_s (local.get $j) (local.get $n)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $outer (i32.lt_s (local.get $i) (i32.const 40))))
      (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
      (br_if $step (local.get $steps))))
  ;; The lower triangle, j < i: b[j].c += 1, then b[i].a += b[j].b. Here b[i], the group with
  ;; the wide part, is the highest record, so its part of the check alone sends i = 3 to the
  ;; original loop, which counts b0.c before its load of b3.a traps. (The copy keeps b[i].a in
  ;; a register, loaded before the loop: had it run, nothing would have been counted.)
  (func (export "pairs_lower") (param $n i32)
    (local $i i32) (local $j i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (block $done
        (br_if $done (i32.ge_s (local.get $j) (local.get $i)))
        (loop $inner
          (i32.store offset=65376 (i32.mul (local.get $j) (i32.const 56))
            (i32.add (i32.load offset=65376 (i32.mul (local.get $j) (i32.const 56))) (i32.const 1)))
          (i32.store offset=65368 (i32.mul (local.get $i) (i32.const 56))
            (i32.add (i32.load offset=65368 (i32.mul (local.get $i) (i32.const 56)))
                     (i32.load offset=65372 (i32.mul (local.get $j) (i32.const 56)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $inner (i32.lt_s (local.get $j) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_s (local.get $i) (local.get $n)))))
  (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages)))
  (func (export "word") (param $p i32) (result i32) (i32.load (local.get $p)))
  (func (export "set_word") (param $p i32) (param $v i32) (i32.store (local.get $p) (local.get $v)))
)

;; pairs_lower with b0.b = 10, b1.b = 20, b2.a = 5: i = 1 adds 10 to b1.a, i = 2 adds 10 and 20
;; to b2.a, and i = 3 counts b0.c a third time before b3.a (65536) traps.
(assert_return (invoke "set_word" (i32.const 65372) (i32.const 10)))
(assert_return (invoke "set_word" (i32.const 65428) (i32.const 20)))
(assert_return (invoke "set_word" (i32.const 65480) (i32.const 5)))
(assert_trap (invoke "pairs_lower" (i32.const 40)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 65424)) (i32.const 10))
(assert_return (invoke "word" (i32.const 65480)) (i32.const 35))
(assert_return (invoke "word" (i32.const 65376)) (i32.const 3))
(assert_return (invoke "word" (i32.const 65432)) (i32.const 1))
(assert_return (invoke "word" (i32.const 65488)) (i32.const 0))
;; Back to zero for pairs_fixed.
(assert_return (invoke "set_word" (i32.const 65372) (i32.const 0)))
(assert_return (invoke "set_word" (i32.const 65376) (i32.const 0)))
(assert_return (invoke "set_word" (i32.const 65424) (i32.const 0)))
(assert_return (invoke "set_word" (i32.const 65432) (i32.const 0)))
(assert_return (invoke "set_word" (i32.const 65480) (i32.const 0)))

;; b[k] at 65368 + 56·k; a at +0, b at +4, c at +8. b0.a = 1, b1.b = 10, b2.b = 20.
(assert_return (invoke "set_word" (i32.const 65368) (i32.const 1)))
(assert_return (invoke "set_word" (i32.const 65428) (i32.const 10)))
(assert_return (invoke "set_word" (i32.const 65484) (i32.const 20)))
;; One page: i = 0 adds b1.b and b2.b to b0.a and counts b1.c and b2.c; reading b3.b (65540)
;; traps.
(assert_trap (invoke "pairs_fixed" (i32.const 1) (i32.const 40)) "out of bounds memory access")
(assert_return (invoke "word" (i32.const 65368)) (i32.const 31))
(assert_return (invoke "word" (i32.const 65432)) (i32.const 1))
(assert_return (invoke "word" (i32.const 65488)) (i32.const 1))
;; Two pages (b3 and b4 zero): b0.a = 31 + 10 + 20, b1.a = 20, and b[j].c counts j more pairs.
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "pairs_fixed" (i32.const 1) (i32.const 40)))
(assert_return (invoke "word" (i32.const 65368)) (i32.const 61))
(assert_return (invoke "word" (i32.const 65424)) (i32.const 20))
(assert_return (invoke "word" (i32.const 65432)) (i32.const 2))
(assert_return (invoke "word" (i32.const 65488)) (i32.const 3))
(assert_return (invoke "word" (i32.const 65544)) (i32.const 3))
(assert_return (invoke "word" (i32.const 65600)) (i32.const 4))
(assert_return (invoke "word" (i32.const 67560)) (i32.const 39))
;; Three steps more: the counts go up by 3·j each, b0.a by 3·30.
(assert_return (invoke "pairs_fixed" (i32.const 3) (i32.const 40)))
(assert_return (invoke "word" (i32.const 65368)) (i32.const 151))
(assert_return (invoke "word" (i32.const 65600)) (i32.const 16))
(assert_return (invoke "word" (i32.const 67560)) (i32.const 156))
