;; A loop-invariant load that faults, after a memory store and a global set in the loop: both
;; happen once before the trap (LLVM would hoist the load out of the loop, above them).
(module
  (memory 1 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "f") (param $p i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (local.set $sum (i32.add (local.get $sum) (i32.load offset=70000 (local.get $p))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
    (local.get $sum))
  (func (export "h") (result i32) (i32.load (i32.const 16))))
